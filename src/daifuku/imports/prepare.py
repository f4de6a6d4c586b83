"""Cleaning import rows: file cells → a :class:`Row` the writer can store as it is.

Every row is cleaned by the same functions the services use (``clean_person``,
``clean_emails``/``clean_phones``, ``clean_custom_values`` for required custom fields), so
an import accepts exactly what the forms and the API accept. Cleaning is CPU work and
independent per row, so large files are cleaned by worker processes (fork) while the main
process writes the previous batch (:func:`prepared_rows`).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import search
from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import format_postal_code, kana_sort_key, lookup_postal_code
from daifuku.customers.custom_fields import clean_custom_values
from daifuku.customers.search_index import person_sort_kana
from daifuku.customers.services.people import _fill_from_postal_code
from daifuku.customers.validation import clean_emails, clean_person, clean_phones

from . import mapping as mapping_module
from .models import ImportRowOutcome, ImportRun
from .readers import undecodable
from .targets import CUSTOM_PREFIX, error_labels

CHUNK = 2500  # rows per task sent to a cleaning worker
PERSON_KEYS = (
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "birthday",
    "gender",
    "postal_code",
    "prefecture",
    "city",
    "address_line",
    "building",
    "preferences",
    "notes",
    "lifecycle",
    "source_channel",
)
PHONE_KEYS = ("number", "e164", "digits", "digits_reversed", "kind")
# Person fields whose values repeat across the rows of a file (cleaned once per distinct value).
REPEATING = frozenset(
    {
        "family_name",
        "given_name",
        "family_kana",
        "given_kana",
        "birthday",
        "gender",
        "postal_code",
        "prefecture",
        "city",
        "lifecycle",
        "source_channel",
    }
)
# clean_person's order of fields, in which it reports a row's errors
_ERROR_ORDER = {
    key: index
    for index, key in enumerate(
        (
            "family_name",
            "given_name",
            "family_kana",
            "given_kana",
            "birthday",
            "gender",
            "relationship_stage",
            "lifecycle",
            "source_channel",
            "preferences",
            "notes",
            "postal_code",
            "prefecture",
            "city",
            "address_line",
            "building",
        )
    )
}
MEMO_SIZE = 300_000  # distinct values remembered per kind; a million-row file has far fewer names


@dataclass
class Row:
    """One cleaned row (``error`` set when it cannot be imported)."""

    number: int
    raw: list[str]
    error: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    emails: list[dict] = field(default_factory=list)
    phones: list[tuple] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    # computed by the cleaning worker for the writer: sort_kana and the search document
    sort_kana: str = ""
    document: tuple | None = None
    person = None  # a PackedRow's values as the worker sent them (the writer's fast path)

    def primary_address(self) -> str | None:
        return self.emails[0]["address"] if self.emails else None

    def value(self, key: str) -> Any:
        return self.values.get(key)

    def email_rows(self) -> Iterable[tuple[str, str, bool]]:
        return [(e["address"], e["label"], e["is_primary"]) for e in self.emails]


_PERSON_KEY_SET = frozenset(PERSON_KEYS)
_NOT_DATA = _PERSON_KEY_SET | {"emails", "phones"}  # what a Row keeps apart from its data
_PERSON_INDEX = {key: index for index, key in enumerate(PERSON_KEYS)}
_BIRTHDAY = PERSON_KEYS.index("birthday")


class PackedRow:
    """A cleaned row as a cleaning worker sends it back, for the writer's process.

    That one process unpickles every row of the file, and dictionaries and dates are what
    cost it most (a million rows: 14-18 µs a row as a Row's fields). So the person's values
    travel as a tuple in PERSON_KEYS order (None where the row has no value, the birthday as
    ISO text) and the e-mails as ``(address, label, is_primary)`` tuples: about half the
    unpickling. A row to create is written straight from those tuples (``person``); the
    dictionaries :class:`Row` has are built only when asked for — an update, a row folded
    into another, a dry run's preview — and from then on they are the row's values."""

    __slots__ = (
        "number",
        "raw",
        "error",
        "person",
        "_extra",
        "_values",
        "_emails",
        "packed_emails",
        "phones",
        "data",
        "sort_kana",
        "document",
    )

    def __init__(
        self,
        number: int,
        raw: list[str],
        error: str,
        person: tuple | None,
        extra: dict | None,
        emails: tuple,
        phones: list[tuple],
        data: dict | None,
        sort_kana: str,
        document: tuple | None,
    ) -> None:
        self.number, self.raw, self.error = number, raw, error
        self.person, self._extra, self._values = person, extra, None
        self.packed_emails, self._emails = emails, None
        self.phones, self.data, self.sort_kana, self.document = (
            phones,
            data or {},
            sort_kana,
            document,
        )

    @property
    def values(self) -> dict[str, Any]:
        if self._values is None:
            values = {}
            if self.person is not None:
                values = {
                    k: v for k, v in zip(PERSON_KEYS, self.person, strict=True) if v is not None
                }
                if "birthday" in values:
                    values["birthday"] = date.fromisoformat(values["birthday"])
            values.update(self._extra or {})
            self._values, self.person = (
                values,
                None,
            )  # the dictionary may change now: no more fast path
        return self._values

    @values.setter
    def values(self, values: dict[str, Any]) -> None:
        self._values, self.person = values, None

    @property
    def emails(self) -> list[dict]:
        if self._emails is None:
            self._emails = [
                {"address": a, "label": label, "is_primary": p}
                for a, label, p in self.packed_emails
            ]
        return self._emails

    @emails.setter
    def emails(self, emails: list[dict]) -> None:
        self._emails = emails

    def value(self, key: str) -> Any:
        """One person value, without building the dictionary (None where the row has none)."""
        if (
            self.person is not None
            and key in _PERSON_INDEX
            and not (self._extra and key in self._extra)
        ):
            found = self.person[_PERSON_INDEX[key]]
            return date.fromisoformat(found) if key == "birthday" and found is not None else found
        return self.values.get(key)

    def primary_address(self) -> str | None:
        if self._emails is not None:
            return self._emails[0]["address"] if self._emails else None
        return self.packed_emails[0][0] if self.packed_emails else None

    def email_rows(self) -> Iterable[tuple[str, str, bool]]:
        """``(address, label, is_primary)`` of each e-mail, without building dictionaries."""
        if self._emails is not None:
            return [(e["address"], e["label"], e["is_primary"]) for e in self._emails]
        return self.packed_emails


def packed_values(values: dict[str, Any]) -> tuple:
    """A person's cleaned values as :class:`PackedRow` carries them: PERSON_KEYS order,
    None where absent, the birthday as ISO text (what the writer inserts)."""
    person = tuple(values.get(k) for k in PERSON_KEYS)
    if person[_BIRTHDAY] is not None:
        person = (*person[:_BIRTHDAY], person[_BIRTHDAY].isoformat(), *person[_BIRTHDAY + 1 :])
    return person


def _packed(row: Row) -> tuple:
    """What a worker sends back of a cleaned row: PackedRow's arguments after the cells."""
    if row.error:
        return (row.error, None, None, (), [], None, "", None)
    values = row.values
    person = packed_values(values)
    # keys the tuple cannot say: a value that is None (absent in the tuple), or not a person field
    extra = {k: v for k, v in values.items() if v is None or k not in _PERSON_KEY_SET} or None
    emails = tuple((e["address"], e["label"], e["is_primary"]) for e in row.emails)
    return ("", person, extra, emails, row.phones, row.data or None, row.sort_kana, row.document)


def _message(exc: ValidationFailed, labels=None) -> str:
    """One line naming each field and what is wrong with it (the failed-rows column)."""
    labels = mapping_module.FIELDS if labels is None else labels
    parts = []
    for name, messages in exc.errors.items():
        label = labels.get(name) or labels.get(name.split(".")[0], name)
        parts.append(f"{label}: {' '.join(messages)}")
    return "; ".join(parts) or str(exc.message)


def read_cells(plan: list[tuple[int, str]], cells: list[str]) -> tuple[dict, str]:
    """``(service data, "")`` of a row's cells, or ``({}, why the row cannot be imported)``."""
    if undecodable(cells):
        return {}, _("The row contains bytes that are not valid in the file's encoding.")
    data = mapping_module.row_data(plan, cells)
    if not data:
        return {}, _("Nothing to import in this row (no mapped column has a value).")
    return data, ""


def write_all_or_nothing(
    write: Callable[[], list], rows: list, *, dry_run: bool, failed: Callable[[Any, str], Any]
) -> tuple[list, bool]:
    """Apply one batch in one transaction (a dry run rolls it back): ``(outcomes, False)``;
    a database error writes nothing of the batch and reports every row of it as failed
    with the error as the reason: ``(failed outcomes, True)``. Shared by the person and
    company writers, so both keep the same promise — a batch lands whole or not at all."""
    try:
        with transaction.atomic():
            outcomes = write()
            if dry_run:
                transaction.set_rollback(True)
        return outcomes, False
    except Exception as exc:  # noqa: BLE001 - the batch is reported, never half-written
        reason = _("The batch could not be written: %(error)s") % {"error": str(exc)[:300]}
        return [failed(row, reason) for row in rows], True


def custom_restore(old: dict | None, new: dict) -> dict:
    """The custom-field change that takes ``new`` back to ``old``: the service merges what
    it is given into the current values, so a value the import added is cleared (None)."""
    old = old or {}
    return {key: old.get(key) for key in set(old) | set(new) if old.get(key) != new.get(key)}


class Outcomes:
    """What the person and the company writer record for each row, and what a dry run
    remembers from one batch to the next."""

    run: ImportRun
    dry_created: dict[
        str, int
    ]  # a dry run: key → the row that created that customer (rolled back since)

    def outcome(
        self, row, action: str, *, person_id=None, company_id=None, changes=None, reason=""
    ) -> ImportRowOutcome:
        """A failed row keeps its cells (for the failed-rows file), undecodable bytes as ``?``."""
        return ImportRowOutcome(
            run=self.run,
            row_number=row.number,
            action=action,
            person_id=person_id,
            company_id=company_id,
            changes=changes or {},
            reason=reason,
            raw=[c.replace("\udcff", "?") for c in row.raw] if action == "failed" else [],
        )

    def remember_created(self, created: dict[str, int]) -> None:
        """A dry run rolls every batch back, so the customers a batch created (``{key: row
        number}``) are not in the ledger when a later batch names them again — the import
        itself would find them there."""
        if self.run.dry_run:
            self.dry_created.update(created)

    def repeat_in_dry_run(self, row, key: str | None) -> ImportRowOutcome | None:
        """A dry run's outcome for a row whose key an earlier, rolled-back batch created, as
        the import itself would have it: an update of that customer, or — creating only —
        a refusal (None: not such a row)."""
        first = self.dry_created.get(key) if key and self.run.dry_run else None
        if first is None:
            return None
        if self.run.mode == "create":
            return self.outcome(
                row,
                "failed",
                reason=_(
                    "A customer with this %(key)s already exists: row %(row)s of this file creates it."
                )
                % {"key": self.run.get_match_key_display(), "row": first},
            )
        return self.outcome(row, "updated", changes={"same_as_row": first})


class Preparer:
    """Cleans rows; picklable state only, so it runs the same in a worker process."""

    def __init__(
        self,
        plan: list[tuple[int, str]],
        *,
        consent_statement: str,
        definitions: dict | None = None,
    ) -> None:
        self.plan = plan
        self.consent_statement = consent_statement.strip()
        # the custom fields the mapping fills ({"custom.<key>": definition}); their values
        # are checked here, whether a new customer has every required one by the writer
        # (a row that updates a customer need not repeat them)
        mapped = {field for _index, field in plan}
        self.definitions = [d for name, d in (definitions or {}).items() if name in mapped]
        self.custom = [name for name in (definitions or {}) if name in mapped]
        self.labels = {**mapping_module.FIELDS, **error_labels(definitions or {})}
        self._fields: dict[tuple[str, Any], tuple[dict, dict]] = {}
        self._fills: dict[tuple, dict[str, Any]] = {}
        self._documents: dict[tuple[str, str, str, str], tuple[str, tuple]] = {}

    def __call__(self, number: int, cells: list[str]) -> Row:
        row = Row(number, cells)
        data, row.error = read_cells(self.plan, cells)
        if row.error:
            return row
        errors: dict[str, list[str]] = {}
        row.values, person_errors, warning = self._clean_person(data)
        errors.update(person_errors)
        try:
            row.emails = clean_emails(data.get("emails", []), field="email")
        except ValidationFailed as exc:
            errors.update(exc.errors)
        phones = []
        for raw in data.get("phones", []):
            try:
                rows = clean_phones([raw], field="phone")
            except ValidationFailed as exc:
                errors.update(exc.errors)
                continue
            cleaned = tuple(rows[0][k] for k in PHONE_KEYS) if rows else None
            if cleaned and all(cleaned[1] != p[1] for p in phones):
                phones.append(cleaned)
        row.phones = phones
        custom = None
        if self.custom:
            given = {
                name.removeprefix(CUSTOM_PREFIX): data[name] for name in self.custom if name in data
            }
            if given:
                try:
                    custom = clean_custom_values(
                        "person", given, creating=False, definitions=self.definitions
                    )
                except ValidationFailed as exc:
                    errors.update(exc.errors)
        consent = data.get("consent_email")
        if consent is not None:
            if not isinstance(consent, bool):
                errors["consent_email"] = [_("Write yes or no (はい/いいえ, 1/0).")]
            elif not (data.get("consent_evidence") or self.consent_statement):
                errors["consent_email"] = [
                    _(
                        "Consent is imported only with its evidence: map an evidence column "
                        "or enter a statement for the whole import."
                    )
                ]
        if errors:
            row.error = _message(ValidationFailed(errors), self.labels)
            return row
        row.data = {k: v for k, v in data.items() if k not in _NOT_DATA}
        if warning:  # travels with the row's data (rare: no cost to the others)
            row.data["warnings"] = [warning]
        if self.custom:
            for name in self.custom:
                row.data.pop(name, None)
            if custom:
                row.data["custom_fields"] = custom
        row.sort_kana, row.document = self._derived(row.values)
        return row

    # A third of the cleaning went into values that repeat from row to row — surnames, given
    # names, readings, birthdays, postal codes, prefectures, cities — so each distinct value
    # of those fields is cleaned once per import (per worker) and remembered. clean_person
    # cleans every field on its own, so a field cleaned alone gives exactly the value and
    # the errors it gives in a whole row; the free-text fields (rarely repeated) still go
    # through it together, once per row.
    def _clean_person(self, data: dict) -> tuple[dict[str, Any], dict[str, list[str]], str]:
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        rest = {}
        for key in PERSON_KEYS:
            if key not in data:
                continue
            if key not in REPEATING:
                rest[key] = data[key]
                continue
            raw = data[key]
            memo_key = (key, raw)
            found = self._fields.get(memo_key)
            if found is None:
                found = self._fields[memo_key] = _clean_alone({key: raw})
                if len(self._fields) > MEMO_SIZE:  # a pathological file: keep memory flat
                    self._fields.clear()
            values.update(found[0])
            if found[1]:
                errors.update(found[1])
        if rest:
            cleaned, rest_errors = _clean_alone(rest)
            values.update(cleaned)
            errors.update(rest_errors)
        if errors:
            # the order clean_person reports a whole row's errors in (the failed-rows column)
            return (
                {},
                {
                    k: errors[k]
                    for k in sorted(errors, key=lambda k: _ERROR_ORDER.get(k, len(_ERROR_ORDER)))
                },
                "",
            )
        warning = ""
        if values.get("postal_code"):
            filled, warning = self._filled(values)
            values.update(filled)
        return values, errors, warning

    def _filled(self, values: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """What ``_fill_from_postal_code`` adds to these values (prefecture, city, town),
        and the row's warning when the code names several places and the row does not say
        which: those fields are left to the user, never guessed."""
        probe = {k: values[k] for k in ("postal_code", "prefecture", "city") if k in values}
        if values.get("address_line"):
            probe["address_line"] = True  # only whether there is one matters
        memo_key = tuple(
            probe.get(k) for k in ("postal_code", "prefecture", "city", "address_line")
        )
        found = self._fills.get(memo_key)
        if found is None:
            before = dict(probe)
            _fill_from_postal_code(probe)
            filled = {k: v for k, v in probe.items() if before.get(k, None) != v}
            found = self._fills[memo_key] = (filled, postal_code_warning(probe))
            if len(self._fills) > MEMO_SIZE:
                self._fills.clear()
        return found

    def _derived(self, values: dict[str, Any]) -> tuple[str, tuple]:
        """sort_kana and the search document of a person with these names (both depend on
        the four name fields only, and full names repeat in a large file)."""
        names = (
            values.get("family_name", ""),
            values.get("given_name", ""),
            values.get("family_kana", ""),
            values.get("given_kana", ""),
        )
        found = self._documents.get(names)
        if found is None:
            found = self._documents[names] = describe(*names)
            if len(self._documents) > MEMO_SIZE:
                self._documents.clear()
        return found


def postal_code_warning(values: dict[str, Any]) -> str:
    """「郵便番号 498-0000 は 愛知県弥富市 / 三重県桑名郡木曽岬町 のいずれかです …」 when the
    prefecture or the city is still empty because the code names several; "" otherwise."""
    if values.get("prefecture") and values.get("city"):
        return ""
    areas = lookup_postal_code(values["postal_code"])
    places = list(
        dict.fromkeys(
            a.prefecture + a.city
            for a in areas
            if not values.get("prefecture") or a.prefecture == values["prefecture"]
        )
    )
    if len(places) < 2:
        return ""
    return _(
        "Postal code %(code)s lies in %(places)s: the prefecture and city were left empty, "
        "not guessed. Check the address."
    ) % {"code": format_postal_code(values["postal_code"]), "places": " / ".join(places)}


def _clean_alone(data: dict) -> tuple[dict[str, Any], dict[str, list[str]]]:
    try:
        return clean_person(data, creating=False), {}
    except ValidationFailed as exc:
        return {}, exc.errors


def describe(family: str, given: str, family_kana: str, given_kana: str) -> tuple[str, tuple]:
    """``(sort_kana, search document)`` the writer stores with a new person of these names."""
    return (
        person_sort_kana(family, given, family_kana, given_kana),
        search.prepare_document(
            [f"{family}{given}", f"{family_kana}{given_kana}"],
            kana_sort_key(family_kana, given_kana),
        ),
    )


def _describe(row: Row) -> None:
    """The derived values the writer stores with a new person (sort key, search document)."""
    v = row.values
    row.sort_kana, row.document = describe(
        v.get("family_name", ""),
        v.get("given_name", ""),
        v.get("family_kana", ""),
        v.get("given_kana", ""),
    )


# --- parallel cleaning ---------------------------------------------------------------------

_WORKER: Preparer | None = None


def _activate_time_zone() -> None:
    # Cleaning compares birthdays with today's date in the site's time zone once per row;
    # an explicitly activated zone spares asgiref's context lookup failing (and raising)
    # a million times.
    timezone.activate(timezone.get_default_timezone())


def _prepare_chunk(chunk: list[tuple[int, list[str]]]) -> list[tuple]:
    """Clean a chunk in a worker. The rows travel back packed (:class:`PackedRow`), without
    their cells (the parent still holds those)."""
    assert _WORKER is not None
    return [_packed(_WORKER(number, cells)) for number, cells in chunk]


def _with_cells(rows: list[tuple], chunk: list[tuple[int, list[str]]]) -> list[PackedRow]:
    return [
        PackedRow(number, cells, *fields)
        for fields, (number, cells) in zip(rows, chunk, strict=True)
    ]


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def prepared_rows(
    rows: Iterable[tuple[int, list[str]]], preparer: Preparer, *, workers: int, ahead: int = 0
) -> Iterator[Row | PackedRow]:
    """Cleaned rows in file order; with ``workers`` > 1 the cleaning runs in forked
    processes, a little more than ``ahead`` rows in advance, so most of the next batch is
    ready when the writer finishes one and memory stays flat."""
    global _WORKER
    if workers <= 1:
        for number, cells in rows:
            yield preparer(number, cells)
        return
    _WORKER = preparer
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_activate_time_zone) as pool:
        pending: deque = deque()
        for chunk in _chunks(rows, CHUNK):
            pending.append((chunk, pool.apply_async(_prepare_chunk, (chunk,))))
            if len(pending) >= max(workers * 3, ahead // CHUNK + workers):
                done, result = pending.popleft()
                yield from _with_cells(result.get(), done)
        while pending:
            done, result = pending.popleft()
            yield from _with_cells(result.get(), done)
