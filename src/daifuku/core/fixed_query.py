"""Reads whose SQL never changes — only the values they look for — compiled by the ORM
once per database connection and run as that SQL afterwards.

The customer page (360°) makes a dozen small reads by primary or foreign key: the person's
e-mail addresses, phones, tags, consents… For each, Django spent more CPU building and
compiling the query (≈ 0.45 ms) than fetching the rows (≈ 0.15 ms on PostgreSQL). A
:class:`FixedQuery` is written as an ordinary queryset, so the model, its columns, joins
and ordering stay the ORM's; the first call compiles it, later calls only bind values::

    EMAILS = FixedQuery(lambda person_id: EmailAddress.objects.filter(person_id=person_id))
    emails = EMAILS(person.pk)          # a list of EmailAddress

Only the arguments may vary between calls, and each must reach the SQL as one parameter
(an id, a string): the plan is checked by compiling with two sets of values, and a build
whose SQL depends on its arguments is refused. Permission-scoped reads (``restrict()``)
do not belong here — their WHERE clause depends on the user — but the child rows of an
object already fetched through it do.

Where the SQL itself changes from call to call (the API's people list: its WHERE clause
is the user's scope and the filters given) or where even a compiled plan costs too much
(the bearer-token check before every API request: 40 µs hand-written against 54 µs as a
FixedQuery), the SQL is written by hand and :func:`converter` turns its rows into the
values the ORM would have returned (SQLite hands back datetimes as text and booleans as
0/1). Both keep what they compile on the database connection object, so it goes with it.
See docs/performance.md for which tool when.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


@dataclass(frozen=True)
class _Plan:
    sql: str
    slots: tuple[tuple[int | None, Any], ...]  # (argument index, or None and the fixed value)
    model: type[Model]
    init_list: list[str]
    fields_start: int
    fields_end: int
    converters: dict
    compiler: Any
    populators: list
    annotations: dict[str, int]

    def bind(self, args: Sequence[Any]) -> list[Any]:
        return [fixed if index is None else args[index] for index, fixed in self.slots]


class FixedQuery:
    """A read of model instances whose SQL is compiled once (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._using = using

    def __call__(self, *args: Any) -> list[Model]:
        for value in args:  # a None would compile to IS NULL: another query than the plan's
            if type(value) not in _ARGUMENT_TYPES:
                raise TypeError(
                    f"FixedQuery arguments are ids and strings, not {type(value).__name__}"
                )
        connection = connections[self._using]
        # one plan per connection object: a thread, or a test or benchmark that switches
        # databases, gets its own (the SQL and converters are the backend's). Kept on the
        # connection, so they go with it: a plan refers to its connection, and a cache
        # elsewhere keyed by the connection kept every thread's connection open for ever
        # (core.connections)
        plans = connection.__dict__.setdefault("daifuku_fixed_plans", {})
        plan = plans.get(self)
        if plan is None:
            plan = plans[self] = self._plan(connection, args)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, plan.bind(args))
            rows = cursor.fetchall()
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        return [self._instance(plan, row) for row in rows]

    def _instance(self, plan: _Plan, row) -> Model:
        obj = plan.model.from_db(
            self._using, plan.init_list, row[plan.fields_start : plan.fields_end]
        )
        for populator in plan.populators:
            populator.populate(row, obj)
        for name, position in plan.annotations.items():
            setattr(obj, name, row[position])
        return obj

    def _plan(self, connection, args: Sequence[Any]) -> _Plan:
        probes = _probes(args)
        queryset = self._build(*args)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError(
                "FixedQuery reads one query's rows: no prefetch_related, no related manager"
            )
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        probe_sql, probe_params = (
            self._build(*probes).query.get_compiler(connection=connection).as_sql()
        )
        if sql != probe_sql or len(params) != len(probe_params):
            raise TypeError("FixedQuery's SQL must not depend on its arguments")
        slots = []
        for value, probe in zip(params, probe_params, strict=True):
            if value == probe and type(value) is type(probe):
                slots.append((None, value))
                continue
            index = next((i for i, p in enumerate(probes) if p == probe and args[i] == value), None)
            if index is None:
                raise TypeError(
                    f"FixedQuery: the parameter {value!r} is not one of the arguments as given"
                )
            slots.append((index, None))
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        return _Plan(
            sql=sql,
            slots=tuple(slots),
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[fields[0] : fields[-1] + 1]],
            fields_start=fields[0],
            fields_end=fields[-1] + 1,
            converters=compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
            compiler=compiler,
            populators=get_related_populators(klass_info, select, self._using),
            annotations=dict(compiler.annotation_col_map or {}),
        )


_counter = itertools.count(1)
_ARGUMENT_TYPES = (int, str)


def _probes(args: Sequence[Any]) -> list[Any]:
    """Values unlike any real one, of each argument's type, to tell the arguments'
    parameters from the query's own constants."""
    probes = []
    for value in args:
        n = next(_counter)
        probes.append(10**15 + n if isinstance(value, int) else f"\x00probe-{n}")
    return probes


def converter(
    model, names: tuple[str, ...], using: str = DEFAULT_DB_ALIAS, *, wrapper=None
) -> Callable[[Sequence], list]:
    """A function turning a raw row whose columns are ``model``'s fields ``names``
    (attribute names, e.g. ``owner_id``) into the Python values the ORM would give.
    ``wrapper``: the connection, when the caller holds it already (looking it up goes
    through a thread-local each time)."""
    wrapper = wrapper or connections[using]
    # Per database connection object (each thread has its own), kept on it: the converters
    # refer to it, and a cache elsewhere keyed by the connection kept it open for ever
    per_connection = wrapper.__dict__.get("daifuku_row_converters")
    if per_connection is None:
        per_connection = wrapper.__dict__["daifuku_row_converters"] = {}
    found = per_connection.get((model, names))
    if found is None:
        found = per_connection[(model, names)] = _build(model, names, wrapper)
    return found


def _build(model, names: tuple[str, ...], wrapper) -> Callable[[Sequence], list]:
    steps = []
    for index, name in enumerate(names):
        field = model._meta.get_field(name)
        column = field.get_col(model._meta.db_table)
        functions = wrapper.ops.get_db_converters(column) + field.get_db_converters(wrapper)
        if functions:
            steps.append((index, functions, column))

    def convert(row: Sequence) -> list:
        values = list(row)
        for index, functions, column in steps:
            value = values[index]
            for function in functions:
                value = function(value, column, wrapper)
            values[index] = value
        return values

    return convert
