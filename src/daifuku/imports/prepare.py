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
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import search
from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import kana_sort_key
from daifuku.customers.custom_fields import clean_custom_values
from daifuku.customers.search_index import person_sort_kana
from daifuku.customers.services.people import _fill_from_postal_code
from daifuku.customers.validation import clean_emails, clean_person, clean_phones

from . import mapping as mapping_module
from .readers import undecodable

CHUNK = 2500  # rows per task sent to a cleaning worker
PERSON_KEYS = ("family_name", "given_name", "family_kana", "given_kana", "birthday", "gender", "postal_code",
               "prefecture", "city", "address_line", "building", "preferences", "notes", "lifecycle",
               "source_channel")
PHONE_KEYS = ("number", "e164", "digits", "digits_reversed", "kind")


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


def _message(exc: ValidationFailed, labels=None) -> str:
    """One line naming each field and what is wrong with it (the failed-rows column)."""
    labels = mapping_module.FIELDS if labels is None else labels
    parts = []
    for name, messages in exc.errors.items():
        label = labels.get(name.split(".")[0], name)
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


def write_all_or_nothing(write: Callable[[], list], rows: list, *, dry_run: bool,
                         failed: Callable[[Any, str], Any]) -> tuple[list, bool]:
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


class Preparer:
    """Cleans rows; picklable state only, so it runs the same in a worker process."""

    def __init__(self, plan: list[tuple[int, str]], *, consent_statement: str, definitions: list) -> None:
        self.plan = plan
        self.consent_statement = consent_statement.strip()
        self.definitions = definitions

    def __call__(self, number: int, cells: list[str]) -> Row:
        row = Row(number, cells)
        data, row.error = read_cells(self.plan, cells)
        if row.error:
            return row
        errors: dict[str, list[str]] = {}
        try:
            row.values = clean_person({k: data[k] for k in PERSON_KEYS if k in data}, creating=False)
            _fill_from_postal_code(row.values)
        except ValidationFailed as exc:
            errors.update(exc.errors)
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
        if self.definitions:
            try:
                clean_custom_values("person", {}, creating=True, definitions=self.definitions)
            except ValidationFailed as exc:
                errors.update(exc.errors)
        consent = data.get("consent_email")
        if consent is not None:
            if not isinstance(consent, bool):
                errors["consent_email"] = [_("Write yes or no (はい/いいえ, 1/0).")]
            elif not (data.get("consent_evidence") or self.consent_statement):
                errors["consent_email"] = [_("Consent is imported only with its evidence: map an evidence column "
                                             "or enter a statement for the whole import.")]
        if errors:
            row.error = _message(ValidationFailed(errors))
            return row
        row.data = {k: v for k, v in data.items() if k not in PERSON_KEYS and k not in ("emails", "phones")}
        _describe(row)
        return row


def _describe(row: Row) -> None:
    """The derived values the writer stores with a new person (sort key, search document)."""
    v = row.values
    family, given = v.get("family_name", ""), v.get("given_name", "")
    fk, gk = v.get("family_kana", ""), v.get("given_kana", "")
    row.sort_kana = person_sort_kana(family, given, fk, gk)
    row.document = search.prepare_document([f"{family}{given}", f"{fk}{gk}"], kana_sort_key(fk, gk))


# --- parallel cleaning ---------------------------------------------------------------------

_WORKER: Preparer | None = None


def _activate_time_zone() -> None:
    # Cleaning compares birthdays with today's date in the site's time zone once per row;
    # an explicitly activated zone spares asgiref's context lookup failing (and raising)
    # a million times.
    timezone.activate(timezone.get_default_timezone())


def _prepare_chunk(chunk: list[tuple[int, list[str]]]) -> list[Row]:
    assert _WORKER is not None
    rows = [_WORKER(number, cells) for number, cells in chunk]
    for row in rows:
        row.raw = []  # the parent still holds the cells: do not send them back
    return rows


def _with_cells(rows: list[Row], chunk: list[tuple[int, list[str]]]) -> list[Row]:
    for row, (_number, cells) in zip(rows, chunk, strict=True):
        row.raw = cells
    return rows


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def prepared_rows(rows: Iterable[tuple[int, list[str]]], preparer: Preparer, *, workers: int,
                  ahead: int = 0) -> Iterator[Row]:
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
