"""Company (取引先) imports: cleaning, writing, the run loop and undo.

A company file is rarely more than a few thousand rows, so — unlike people — every row is
written through the company services (``create_company`` / ``update_company``): their
rules, their per-row audit entry and search index update, nothing to keep in step. What
the person import guarantees holds here too: rows are cleaned with the services' own
``clean_company`` / ``clean_emails`` / ``clean_phones`` (legal forms before or after the
name in any spelling, 法人番号 check digit), each batch is one transaction (a row that the
service refuses fails alone, a database error fails its batch), a dry run writes inside
the transaction and rolls it back, so it reports exactly what would happen (uniqueness of
the corporate number included), and an import is undone as a whole.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daifuku.accounts.permissions import is_user
from daifuku.core import audit, jobs
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.japanese import normalize_text, search_key
from daifuku.customers import services as customer_services
from daifuku.customers.custom_fields import clean_custom_values
from daifuku.customers.models import Company
from daifuku.customers.models.companies import CompanySize, Industry
from daifuku.customers.services.companies import AUDITED_FIELDS
from daifuku.customers.validation import clean_company, clean_emails, clean_phones

from . import duplicates
from . import mapping as mapping_module
from .models import ExternalId, ImportBatch, ImportRowOutcome, ImportRun
from .prepare import Outcomes, _chunks, _message, custom_restore, read_cells, write_all_or_nothing
from .readers import open_table
from .targets import COMPANY_FIELDS, CUSTOM_PREFIX, custom_definitions, error_labels

BATCH = 500  # rows per transaction: a few seconds of service calls, one progress step
COMPANY_KEYS = (
    "name",
    "kana",
    "corporate_number",
    "postal_code",
    "prefecture",
    "city",
    "address_line",
    "building",
    "industry",
    "size",
    "website",
    "notes",
)
LEGAL_FORM_FIELDS = ("legal_form", "legal_form_position")
LIST_FIELDS = ("emails", "phones", "tags")
ERROR_LABELS = {
    **COMPANY_FIELDS,
    "name": gettext_lazy("Company name"),
    "corporate_number": gettext_lazy("Corporate number"),
    "industry": gettext_lazy("Industry"),
    "size": gettext_lazy("Employees"),
}


# --- cleaning ----------------------------------------------------------------------------


@dataclass
class CompanyRow:
    """One cleaned row of a company file (``error`` set when it cannot be imported)."""

    number: int
    raw: list[str]
    error: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # clean_company's values
    emails: list[str] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (number as written, E.164)
    tags: list[str] = field(default_factory=list)
    external_id: str = ""
    custom: dict[str, Any] = field(default_factory=dict)  # custom field values, by key


_SEPARATORS = re.compile(r"[・,、/]")
# Common words for a JSIC division that are not (part of) its official name.
_INDUSTRY_WORDS = {
    "it": "G",
    "ソフトウェア": "G",
    "飲食": "M",
    "飲食店": "M",
    "物流": "H",
    "介護": "P",
    "小売": "I",
    "卸": "I",
}


@functools.cache
def _industry_index() -> dict[str, str]:
    """``{name: JSIC division}``: the letter, the English and Japanese names of each
    division and each of their parts (卸売業・小売業 → 卸売業, 小売業, 卸売, 小売)."""
    index: dict[str, str] = {}
    for code, label in Industry.choices:
        names = {code}
        for language in ("ja", "en"):
            with translation.override(language):
                names.add(normalize_text(str(label)))
        for name in list(names):
            base = re.sub(r"[(（].*?[)）]", "", name)
            names.update([base, *_SEPARATORS.split(base), *base.split(" and ")])
        for name in names:
            key = search_key(name.strip())
            if key:
                index.setdefault(key, code)
                index.setdefault(key.removesuffix("業"), code)
    for word, code in _INDUSTRY_WORDS.items():
        index.setdefault(search_key(word), code)
    return index


def industry_code(value: str) -> str | None:
    """'製造業', 'E', 'Manufacturing', '卸売業', '医療，福祉' → the JSIC division letter;
    None if unknown (or if its parts name different divisions)."""
    index = _industry_index()
    text = normalize_text(value)
    if code := index.get(search_key(text)):
        return code
    codes = {index.get(search_key(part)) for part in _SEPARATORS.split(text) if part.strip()}
    return codes.pop() if len(codes) == 1 else None


_SIZE_BANDS = ((1000, "1000+"), (300, "300-999"), (50, "50-299"), (10, "10-49"), (1, "1-9"))
_FIRST_NUMBER = re.compile(r"\d[\d,]*")


def size_band(value: str) -> str | None:
    """'120', '120名', '約1,200人', '50〜299人', '50-299' → the size band; None if no number."""
    text = normalize_text(value)
    if text in CompanySize.values:
        return text
    match = _FIRST_NUMBER.search(text)
    if not match:
        return None
    count = int(match.group().replace(",", ""))
    return next((band for low, band in _SIZE_BANDS if count >= low), None)


class CompanyPreparer:
    """Cleans the rows of a company file with the company services' own rules."""

    def __init__(self, plan: list[tuple[int, str]], definitions: dict | None = None) -> None:
        self.plan = plan
        mapped = {name for _index, name in plan}
        self.custom = {name: d for name, d in (definitions or {}).items() if name in mapped}
        self.labels = {**ERROR_LABELS, **error_labels(definitions or {})}

    def __call__(self, number: int, cells: list[str]) -> CompanyRow:
        row = CompanyRow(number, cells)
        data, row.error = read_cells(self.plan, cells)
        if row.error:
            return row
        errors: dict[str, list[str]] = {}
        company = {k: data[k] for k in COMPANY_KEYS if k in data}
        if "industry" in company and not (code := industry_code(company["industry"])):
            errors["industry"] = [
                _(
                    "Unknown industry “%(value)s”: write a JSIC division (A–T) or its name, "
                    "e.g. 製造業."
                )
                % {"value": company.pop("industry")[:40]}
            ]
        elif "industry" in company:
            company["industry"] = code
        if "size" in company and not (band := size_band(company["size"])):
            errors["size"] = [
                _("Write the number of employees (e.g. 120) or a range (e.g. 50-299).")
            ]
            company.pop("size")
        elif "size" in company:
            company["size"] = band
        for step in (
            lambda: row.values.update(clean_company(company, creating=False)),
            lambda: row.emails.extend(
                e["address"] for e in clean_emails(data.get("emails", []), field="email")
            ),
            lambda: row.phones.extend(
                (p["number"], p["e164"])
                for p in clean_phones(data.get("phones", []), field="phone")
            ),
        ):
            try:
                step()
            except ValidationFailed as exc:
                errors.update(exc.errors)
        given = {
            name.removeprefix(CUSTOM_PREFIX): data[name] for name in self.custom if name in data
        }
        if given:  # checked here; whether a new company has every required one, by the service
            try:
                row.custom = clean_custom_values(
                    "company", given, creating=False, definitions=list(self.custom.values())
                )
            except ValidationFailed as exc:
                errors.update(exc.errors)
        if errors:
            row.error = _message(ValidationFailed(errors), self.labels)
            return row
        row.tags = [t[:50] for t in data.get("tags", [])]
        row.external_id = str(data.get("external_id", "")).strip()[:100]
        return row


# --- writing -----------------------------------------------------------------------------


class CompanyWriter(Outcomes):
    """Applies cleaned company rows batch by batch, for one run."""

    def __init__(self, run: ImportRun, actor) -> None:
        self.run = run
        self.actor = actor
        self.user = actor if is_user(actor) else None
        self.counts = dict.fromkeys(("created", "updated", "failed", "unchanged", "merged"), 0)
        self.dry_created: dict[str, int] = {}
        self._created_keys: dict[str, int] = {}  # of the batch being written
        self.labels = {**ERROR_LABELS, **error_labels(custom_definitions(run.target))}

    def key_of(self, row: CompanyRow) -> str:
        if self.run.match_key == "external_id":
            return row.external_id
        return row.values.get("corporate_number", "")

    def existing(self, keys: list[str]) -> dict[str, int]:
        """``{key: company id}`` of the live companies these keys name."""
        if self.run.match_key == "external_id":
            rows = ExternalId.objects.filter(
                value__in=keys, company__isnull=False, company__deleted_at__isnull=True
            )
            return dict(rows.values_list("value", "company_id"))
        return dict(
            Company.objects.filter(corporate_number__in=keys).values_list("corporate_number", "pk")
        )

    def write(self, number: int, rows: list[CompanyRow]) -> list[ImportRowOutcome]:
        """Apply one batch atomically (a dry run rolls it back); a database error fails
        every row of the batch, with the error as the reason."""
        self._created_keys = {}
        outcomes, failed = write_all_or_nothing(
            lambda: self._write(number, rows),
            rows,
            dry_run=self.run.dry_run,
            failed=lambda row, reason: self.outcome(row, "failed", reason=reason),
        )
        if not failed:
            self.remember_created(self._created_keys)
        for outcome in outcomes:
            self.counts[outcome.action] += 1
        return outcomes

    def _write(self, number: int, rows: list[CompanyRow]) -> list[ImportRowOutcome]:
        mode, key_label = self.run.mode, self.run.get_match_key_display()
        ok = [r for r in rows if not r.error]
        known = self.existing(sorted({k for k in map(self.key_of, ok) if k}))
        new = [r for r in ok if known.get(self.key_of(r)) is None]
        probable = (
            duplicates.for_companies(self.actor, new)
            if self.run.dry_run and mode != "update" and new
            else {}
        )
        created_by_row: dict[int, int] = {}  # company id → the row of this batch that created it
        outcomes: list[ImportRowOutcome] = []
        for row in rows:
            key = self.key_of(row)
            target = known.get(key) if key and not row.error else None
            repeat = self.repeat_in_dry_run(row, key) if target is None and not row.error else None
            if row.error:
                outcomes.append(self.outcome(row, "failed", reason=row.error))
            elif repeat is not None:
                outcomes.append(repeat)
            elif target is not None and mode == "create":
                outcomes.append(
                    self.outcome(
                        row,
                        "failed",
                        company_id=target,
                        reason=_("A company with this %(key)s already exists.")
                        % {"key": key_label},
                    )
                )
            elif target is not None:
                outcomes.append(self._update(row, target, same_as_row=created_by_row.get(target)))
            elif mode == "update":
                outcomes.append(
                    self.outcome(
                        row,
                        "failed",
                        reason=_("No company matches this row's %(key)s.") % {"key": key_label},
                    )
                )
            else:
                outcome, company_id = self._create(row, probable.get(row.number))
                outcomes.append(outcome)
                if company_id:
                    created_by_row[company_id] = row.number
                    if key:  # a later row with the same key updates this company
                        known[key] = company_id
                        self._created_keys[key] = row.number
        if not self.run.dry_run:
            created = [o.company_id for o in outcomes if o.action == "created"]
            ImportBatch.objects.create(
                run=self.run,
                number=number,
                first_row=rows[0].number,
                last_row=rows[-1].number,
                created_count=len(created),
            )
            audit.record(
                actor=self.actor,
                action="import",
                object_type="imports.importrun",
                object_id=self.run.pk,
                object_repr=self.run.original_name[:200],
                changes={
                    "batch": [None, number],
                    "rows": [rows[0].number, rows[-1].number],
                    "created": [None, len(created)],
                    "updated": [None, sum(o.action == "updated" for o in outcomes)],
                    "failed": [None, sum(o.action == "failed" for o in outcomes)],
                    "created_company_ids": [None, created],
                },
                note=str(self.run.batch_id),
            )
        return outcomes

    def _refusal(self, row: CompanyRow, exc: DomainError, company_id=None) -> ImportRowOutcome:
        reason = (
            _message(exc, self.labels) if isinstance(exc, ValidationFailed) else str(exc.message)
        )
        if exc.code == "not_found":
            reason = _("You may not change this company.")
        return self.outcome(row, "failed", company_id=company_id, reason=reason)

    def _create(
        self, row: CompanyRow, probable: list[dict] | None
    ) -> tuple[ImportRowOutcome, int | None]:
        """The row's outcome and the new company's id (None when the service refused it)."""
        data: dict[str, Any] = dict(row.values)
        for name, values in (
            ("emails", row.emails),
            ("phones", [n for n, _e in row.phones]),
            ("tags", row.tags),
        ):
            if values:
                data[name] = values
        data["custom_fields"] = row.custom
        try:
            with transaction.atomic():
                if row.external_id:
                    _external_id_is_free(row.external_id)
                company = customer_services.create_company(actor=self.actor, data=data)
                if row.external_id:
                    ExternalId.objects.create(company=company, value=row.external_id)
        except DomainError as exc:
            return self._refusal(row, exc), None
        changes: dict[str, Any] = {"name": company.display_name}
        if self.run.dry_run:
            changes.update(
                values=audit._plain(row.values),
                emails=row.emails,
                phones=[n for n, _e in row.phones],
            )
        if probable:
            changes["duplicates"] = probable
        # a dry run's company is rolled back with its batch: its id would name nobody
        outcome = self.outcome(
            row, "created", company_id=None if self.run.dry_run else company.pk, changes=changes
        )
        return outcome, company.pk

    def _update(
        self, row: CompanyRow, company_id: int, *, same_as_row: int | None = None
    ) -> ImportRowOutcome:
        company = Company.objects.filter(pk=company_id).first()
        if company is None:
            return self.outcome(row, "failed", reason=_("The company to update no longer exists."))
        data: dict[str, Any] = {
            k: v for k, v in row.values.items() if v not in ("", None) and getattr(company, k) != v
        }
        if set(LEGAL_FORM_FIELDS) & set(data):  # the service takes a legal form with its position
            data.update({k: row.values[k] for k in LEGAL_FORM_FIELDS})
        before = audit.snapshot(company, AUDITED_FIELDS)
        current = {
            "emails": list(company.emails.values_list("address", flat=True)),
            "phones": list(company.phones.values_list("number", flat=True)),
            "tags": list(company.tags.values_list("name", flat=True)),
        }
        have_e164 = set(company.phones.values_list("e164", flat=True))
        added = {
            "emails": [e for e in row.emails if e not in current["emails"]],
            "phones": [n for n, e164 in row.phones if e164 not in have_e164],
            "tags": [t for t in row.tags if t not in current["tags"]],
        }
        for name, extra in added.items():
            if extra:
                data[name] = current[name] + extra
                before[name] = current[name]
        custom = {k: v for k, v in row.custom.items() if company.custom_fields.get(k) != v}
        if custom:
            data["custom_fields"] = custom  # the service merges them into the company's
        if not data:
            return self.outcome(row, "unchanged", company_id=company_id)
        try:
            with transaction.atomic():
                customer_services.update_company(actor=self.actor, company=company, data=data)
        except DomainError as exc:
            return self._refusal(row, exc, company_id)
        changes: dict[str, Any] = {k: [before.get(k), audit._plain(v)] for k, v in data.items()}
        if custom:  # the whole dictionary before and after, as undo compares it
            changes["custom_fields"] = [
                before.get("custom_fields") or {},
                {**company.custom_fields, **custom},
            ]
        if same_as_row:
            changes["same_as_row"] = same_as_row
        return self.outcome(row, "updated", company_id=company_id, changes=changes)


def _external_id_is_free(value: str) -> None:
    taken = ExternalId.objects.filter(value=value).first()
    if taken is not None:
        owner = f"#{taken.company_id}" if taken.company_id else f"#{taken.person_id}"
        raise ValidationFailed(
            {
                "external_id": [
                    _("This external ID already belongs to another customer (%(id)s).")
                    % {"id": owner}
                ]
            },
            code="duplicate_external_id",
        )


# --- the run ------------------------------------------------------------------------------


def execute(
    run: ImportRun,
    *,
    actor,
    progress: Callable[[int, int | None], None] | None = None,
    total: int | None = None,
) -> ImportRun:
    """Import ``run``'s company file with its mapping; counts on the run, outcomes stored
    (a real run keeps its created rows too: undo needs their ids)."""
    table = open_table(run.file.path, run.file_format, run.encoding)
    definitions = custom_definitions(run.target)
    preparer = CompanyPreparer(
        mapping_module.compile_mapping(
            table.headers, run.mapping, {**COMPANY_FIELDS, **definitions}
        ),
        definitions,
    )
    writer = CompanyWriter(run, actor)
    done = number = 0
    for batch in _chunks((preparer(n, cells) for n, cells in table.rows), BATCH):
        number += 1
        outcomes = writer.write(number, batch)
        keep = outcomes if run.dry_run else [o for o in outcomes if o.action != "unchanged"]
        ImportRowOutcome.objects.bulk_create(keep, batch_size=500)
        done += len(batch)
        if progress:
            progress(done, total)
    counts = writer.counts
    ImportRun.objects.filter(pk=run.pk).update(
        total_rows=done,
        created_count=counts["created"],
        updated_count=counts["updated"],
        failed_count=counts["failed"],
        unchanged_count=counts["unchanged"],
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


# --- undo ---------------------------------------------------------------------------------


def undo(run: ImportRun, actor, job) -> dict:
    """Created companies go to the trash (through the service: audited, unindexed) and lose
    the external ids the import gave them; updated ones get back the values the import
    replaced, unless someone changed them since (counted as conflicts)."""
    created = list(
        run.outcomes.filter(action="created")
        .exclude(company_id=None)
        .values_list("company_id", flat=True)
    )
    reverted, conflicts = 0, 0
    for outcome in (
        run.outcomes.filter(action="updated")
        .exclude(company_id=None)
        .exclude(company_id__in=created)
    ):
        company = Company.objects.filter(pk=outcome.company_id).first()
        if company is None:
            continue
        restore, clashes = _restore_values(company, outcome.changes)
        conflicts += clashes
        if restore:
            customer_services.update_company(actor=actor, company=company, data=restore)
            reverted += 1
    removed = 0
    for start in range(0, len(created), 500):
        chunk = created[start : start + 500]
        for company in Company.objects.filter(pk__in=chunk):
            try:
                customer_services.delete_company(actor=actor, company=company)
                removed += 1
            except DomainError:
                conflicts += 1  # no longer the undoer's to delete
        ExternalId.objects.filter(company_id__in=chunk).delete()
        if job:
            jobs.report_progress(job, removed + reverted)
    return {"removed": removed, "reverted": reverted, "conflicts": conflicts}


def _restore_values(company: Company, changes: dict) -> tuple[dict, int]:
    restore: dict[str, Any] = {}
    conflicts = 0
    for name, pair in changes.items():
        if name == "same_as_row":
            continue
        old, new = pair
        if name in LIST_FIELDS:
            current = list(
                getattr(company, name).values_list(
                    {"emails": "address", "phones": "number", "tags": "name"}[name], flat=True
                )
            )
            now = sorted(current) if name == "tags" else current
            expected = sorted(new) if name == "tags" else new
        else:
            now, expected = audit.snapshot(company, [name])[name], new
        if now == expected:
            restore[name] = (
                custom_restore(old, new)
                if name == "custom_fields"
                else old
                if old is not None
                else ""
            )
        else:
            conflicts += 1
    if set(LEGAL_FORM_FIELDS) & set(restore):
        for name in LEGAL_FORM_FIELDS:
            restore.setdefault(name, getattr(company, name))
    return restore, conflicts
