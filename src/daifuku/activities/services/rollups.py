"""The tables derived from touches, moved in the same transaction as every touch write:

* ``TouchDailyCount`` — touches per (rep, Tokyo day, kind);
* ``RepCustomerPeriod`` — which people each rep touched per week and month (a row per
  customer, with its number of touches; the row goes when the last touch goes);
* ``PersonLastTouch`` — the newest touch of each person.

Writers describe a touch by its :class:`TouchFacts` and call :func:`apply` with +1 for
the facts that now exist and -1 for those that no longer do (an edit is both). Bulk
loaders use :func:`write_bulk`; :func:`rebuild_rollups` recomputes everything
from the touches (migration, repair command)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, DateField, F, Max, Model
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from daifuku.core import db

from ..models import PersonLastTouch, RepCustomerPeriod, RollupPeriod, Touch, TouchDailyCount

ATTEMPTS = 5


@dataclass(frozen=True)
class TouchFacts:
    """What the derived tables know of one touch."""

    rep_id: int
    team_id: int | None
    person_id: int | None
    occurred_at: dt.datetime
    kind: str

    @classmethod
    def of(cls, touch) -> TouchFacts:
        return cls(touch.rep_id, touch.team_id, touch.person_id, touch.occurred_at, touch.kind)

    def moved(self, **changes) -> TouchFacts:
        return TouchFacts(**{**self.__dict__, **changes})


def period_starts(day: dt.date) -> dict[str, dt.date]:
    """First day of the week (Monday) and of the month containing ``day``."""
    return {
        RollupPeriod.WEEK: day - dt.timedelta(days=day.weekday()),
        RollupPeriod.MONTH: day.replace(day=1),
    }


def apply(changes: Iterable[tuple[TouchFacts, int]]) -> None:
    """Move the derived rows by ``(facts, +1 | -1)`` pairs; call inside the transaction
    that writes the touches, after writing them (the last touch of each person concerned
    is read back from the touches)."""
    daily: Counter = Counter()
    teams: dict[tuple, int | None] = {}
    periods: Counter = Counter()
    people: set[int] = set()
    for facts, sign in changes:
        day = timezone.localdate(facts.occurred_at)
        key = (facts.rep_id, day, facts.kind)
        daily[key] += sign
        if sign > 0 or key not in teams:
            teams[key] = facts.team_id
        if facts.person_id is not None:
            people.add(facts.person_id)
            for period, start in period_starts(day).items():
                periods[(facts.rep_id, period, start, facts.person_id)] += sign
    # a stable order, so two writers lock rows in the same order (no deadlock)
    for (rep_id, day, kind), delta in sorted(daily.items()):
        if delta:
            _bump(
                TouchDailyCount,
                {"rep_id": rep_id, "day": day, "kind": kind},
                "count",
                delta,
                create={"team_id": teams[(rep_id, day, kind)]},
            )
    for (rep_id, period, start, person_id), delta in sorted(periods.items()):
        if delta:
            _bump(
                RepCustomerPeriod,
                {"rep_id": rep_id, "period": period, "start": start, "person_id": person_id},
                "touches",
                delta,
                drop_empty=True,
            )
    for person_id in sorted(people):
        refresh_last_touch(person_id)


def _bump(
    model: Any,
    key: dict,
    field: str,
    delta: int,
    *,
    create: dict | None = None,
    drop_empty: bool = False,
) -> None:
    """Add ``delta`` to ``field`` of the row ``key`` (created when missing). With
    ``drop_empty`` a row that falls to zero is deleted and a decrement of a missing row is
    a no-op (the row count itself means something)."""
    rows = model.objects.filter(**key)
    for _attempt in range(ATTEMPTS):
        if rows.update(**{field: F(field) + delta}):
            if drop_empty and delta < 0:
                rows.filter(**{f"{field}__lte": 0}).delete()
            return
        if drop_empty and delta < 0:
            return
        try:
            with transaction.atomic():
                model.objects.create(**key, **(create or {}), **{field: delta})
            return
        except IntegrityError:  # another writer created it between our update and insert
            continue
    raise RuntimeError(f"could not update {model.__name__} {key}")


def refresh_last_touch(person_id: int) -> None:
    """Set the person's last touch from the touches (one index lookup). The row is locked
    first, so a concurrent writer waits and then reads the committed touches."""
    rows = PersonLastTouch.objects.filter(person_id=person_id)
    for _attempt in range(ATTEMPTS):
        list(rows.select_for_update().values_list("pk"))
        last = Touch.objects.filter(person_id=person_id).aggregate(last=Max("occurred_at"))["last"]
        if last is None:
            rows.delete()
            return
        if rows.update(last_touched_at=last):
            return
        try:
            with transaction.atomic():
                PersonLastTouch.objects.create(person_id=person_id, last_touched_at=last)
            return
        except IntegrityError:
            continue
    raise RuntimeError(f"could not update the last touch of person {person_id}")


def move_people(touches, *, from_person_id: int, to_person_id: int) -> int:
    """Re-point ``touches`` (a queryset) from one person to another with the derived rows
    (名寄せ and its undo)."""
    rows = list(
        touches.filter(person_id=from_person_id).only(
            "rep_id", "team_id", "person_id", "occurred_at", "kind"
        )
    )
    if not rows:
        return 0
    Touch.objects.filter(pk__in=[t.pk for t in rows]).update(person_id=to_person_id)
    facts = [TouchFacts.of(t) for t in rows]
    apply([(f, -1) for f in facts] + [(f.moved(person_id=to_person_id), 1) for f in facts])
    return len(rows)


# --- bulk loading and rebuilding ------------------------------------------------------------


def db_value(value):
    """A date or aware datetime as a raw bulk insert expects it."""
    if db.vendor() == "postgresql":
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


class Bulk:
    """Derived rows for touches written in bulk (seeding): fill with :meth:`add`, then
    :func:`write_bulk` in the same transaction as the touches."""

    def __init__(self) -> None:
        self.daily: Counter = Counter()
        self.periods: Counter = Counter()
        self.last: dict[int, dt.datetime] = {}
        self.teams: dict[tuple, int | None] = {}

    def add(
        self,
        *,
        rep_id: int,
        team_id: int | None,
        person_id: int | None,
        occurred_at: dt.datetime,
        kind: str,
        day: dt.date | None = None,
    ) -> None:
        day = day or timezone.localdate(occurred_at)
        self.daily[(rep_id, day, kind)] += 1
        self.teams.setdefault((rep_id, day, kind), team_id)
        if person_id is not None:
            for period, start in period_starts(day).items():
                self.periods[(rep_id, period, start, person_id)] += 1
            if person_id not in self.last or self.last[person_id] < occurred_at:
                self.last[person_id] = occurred_at


def write_bulk(bulk: Bulk) -> None:
    """Add ``bulk`` to the derived tables: a plain bulk insert when the reps and people are
    new to them, otherwise their existing rows are merged in and written back."""
    rep_ids = sorted({key[0] for key in bulk.daily} | {key[0] for key in bulk.periods})
    daily, periods, last, teams = (
        Counter(bulk.daily),
        Counter(bulk.periods),
        dict(bulk.last),
        dict(bulk.teams),
    )
    old_daily = TouchDailyCount.objects.filter(rep_id__in=rep_ids)
    for rep_id, team_id, day, kind, n in old_daily.values_list(
        "rep_id", "team_id", "day", "kind", "count"
    ):
        daily[(rep_id, day, kind)] += n
        teams[(rep_id, day, kind)] = team_id
    old_periods = RepCustomerPeriod.objects.filter(rep_id__in=rep_ids)
    for rep_id, period, start, person_id, n in old_periods.values_list(
        "rep_id", "period", "start", "person_id", "touches"
    ):
        periods[(rep_id, period, start, person_id)] += n
    old_last = PersonLastTouch.objects.filter(person_id__in=list(last))
    for person_id, at in old_last.values_list("person_id", "last_touched_at"):
        last[person_id] = max(at, last[person_id])
    old_daily.delete()
    old_periods.delete()
    old_last.delete()
    _insert(
        TouchDailyCount,
        ("rep_id", "team_id", "day", "kind", "count"),
        (
            (rep, teams[(rep, day, kind)], db_value(day), kind, n)
            for (rep, day, kind), n in daily.items()
        ),
    )
    _insert(
        RepCustomerPeriod,
        ("rep_id", "period", "start", "person_id", "touches"),
        (
            (rep, period, db_value(start), person, n)
            for (rep, period, start, person), n in periods.items()
            if n
        ),
    )
    _insert(
        PersonLastTouch,
        ("person_id", "last_touched_at"),
        ((person, db_value(at)) for person, at in last.items()),
    )


def _insert(model: type[Model], columns: tuple[str, ...], rows) -> int:
    return db.bulk_insert(model._meta.db_table, columns, rows)


def rebuild_rollups(
    *,
    touch_model=Touch,
    period_model=RepCustomerPeriod,
    last_model=PersonLastTouch,
    daily_model=None,
) -> dict[str, int]:
    """Recompute the derived tables from the touches (grouped in the database). Models are
    parameters so a migration can pass its historical ones; ``daily_model`` rebuilds the
    daily counts too (repair). Call inside a transaction."""
    tz = timezone.get_default_timezone()
    touches = touch_model.objects.filter(person__isnull=False).order_by()
    grouped = (
        touches.annotate(
            week=TruncWeek("occurred_at", tzinfo=tz, output_field=DateField()),
            month=TruncMonth("occurred_at", tzinfo=tz, output_field=DateField()),
        )
        .values_list("rep_id", "person_id", "week", "month")
        .annotate(n=Count("id"))
    )
    periods: Counter = Counter()
    for rep_id, person_id, week, month, n in grouped.iterator(chunk_size=20_000):
        periods[(rep_id, RollupPeriod.WEEK.value, week, person_id)] += n
        periods[(rep_id, RollupPeriod.MONTH.value, month, person_id)] += n
    last = list(touches.values_list("person_id").annotate(last=Max("occurred_at")))
    period_model.objects.all().delete()
    last_model.objects.all().delete()
    written = {
        "periods": _insert(
            period_model,
            ("rep_id", "period", "start", "person_id", "touches"),
            ((r, p, db_value(s), person, n) for (r, p, s, person), n in periods.items()),
        ),
        "people": _insert(
            last_model,
            ("person_id", "last_touched_at"),
            ((person, db_value(at)) for person, at in last),
        ),
    }
    if daily_model is not None:
        daily = (
            touch_model.objects.order_by()
            .annotate(day=TruncDate("occurred_at", tzinfo=tz))
            .values_list("rep_id", "day", "kind")
            .annotate(team=Max("team_id"), n=Count("id"))
        )
        rows = [
            (rep, team, db_value(day), kind, n)
            for rep, day, kind, team, n in daily.iterator(chunk_size=20_000)
        ]
        daily_model.objects.all().delete()
        written["daily"] = _insert(daily_model, ("rep_id", "team_id", "day", "kind", "count"), rows)
    return written
