"""Every write of the import area: upload, configure, run, undo, saved mappings, and the
dedup scan job (docs/architecture.md convention 1)."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import audit, jobs, search
from daifuku.core.context import acting
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.models import JobRun
from daifuku.customers import services as customer_services
from daifuku.customers.models import Company, Contact, Person
from daifuku.customers.search_index import PERSON
from daifuku.customers.services.common import is_user
from daifuku.customers.services.people import AUDITED_FIELDS

from . import companies, cp932, export, orders, pipeline, readers, targets
from . import mapping as mapping_module
from .models import ExternalId, ImportMode, ImportRun, ImportTarget, SavedMapping
from .prepare import custom_restore

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 300 * 1024 * 1024


@transaction.atomic
def upload(*, actor, file, name: str, target: str = ImportTarget.PERSON) -> ImportRun:
    """Store an uploaded file and guess how to read it: format, encoding, and a mapping
    suggested from its headers (or the vCard fields) for what it holds (``target``:
    people or companies)."""
    if target not in targets.TARGET_VALUES:
        raise ValidationFailed({"target": [_("Choose people, companies or orders.")]})
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            {"file": [_("The file is larger than 300 MB.")]}, code="file_too_large"
        )
    if size == 0:
        raise ValidationFailed({"file": [_("The file is empty.")]}, code="empty_file")
    run = ImportRun(
        original_name=Path(name).name[:255] or "import.csv",
        target=target,
        match_key=targets.keys_for(target)[0],
        created_by=actor if is_user(actor) else None,
    )
    run.file.save(run.original_name, File(file), save=False)
    with _file_removed_on_error(run):
        file_format, encoding = readers.sniff(run.file.path, name)
        run.file_format, run.encoding, run.detected_encoding = file_format, encoding, encoding
        try:
            headers, _preview = readers.read_preview(run.file.path, file_format, encoding, limit=1)
        except Exception as exc:  # noqa: BLE001 - a file we cannot read is the user's input, not our crash
            raise ValidationFailed(
                {"file": [_("This file cannot be read as CSV, Excel or vCard.")]},
                code="unreadable_file",
            ) from exc
        if not headers:
            raise ValidationFailed({"file": [_("The file has no header row.")]}, code="no_header")
        run.mapping = targets.suggest(headers, target, mapping_module.detect_preset(headers))
        run.save()
        audit.record(
            actor=actor,
            action="upload",
            obj=run,
            changes={
                "file": [None, run.original_name],
                "format": [None, file_format],
                "encoding": [None, encoding],
            },
        )
    return run


@contextlib.contextmanager
def _file_removed_on_error(run: ImportRun):
    """The stored file goes when what stores it fails: the database rolls its rows back,
    but a file on disk is no part of the transaction."""
    try:
        yield
    except BaseException:
        if run.file:
            run.file.delete(save=False)
        raise


def upload_and_start(
    *,
    actor,
    file,
    name: str,
    target: str,
    data: dict[str, Any],
    start_now: bool,
    startable: bool = False,
) -> ImportRun:
    """Upload, configure and (``start_now``) start in one step, all or nothing: a file the
    API refuses — a bad mapping, mode or key — leaves no import and no stored file behind.
    ``startable``: refuse, the same way, a mapping :func:`start` would refuse (the command
    line runs the import itself)."""
    holder: list[ImportRun] = []
    try:
        with transaction.atomic():
            holder.append(upload(actor=actor, file=file, name=name, target=target))
            run = configure(actor=actor, run=holder[0], data=data)
            if start_now:
                run = start(actor=actor, run=run)
            elif startable:
                check_mapping(run)
    except BaseException:
        if holder and holder[0].file:
            holder[0].file.delete(save=False)
        raise
    return run


def headers_of(run: ImportRun) -> tuple[list[str], list[list[str]]]:
    return readers.read_preview(run.file.path, run.file_format, run.encoding, limit=5)


@transaction.atomic
def configure(*, actor, run: ImportRun, data: dict[str, Any]) -> ImportRun:
    """Set what the file holds, mapping, mode, key, encoding and options before the run
    starts. Switching the target without a mapping suggests one for the new target."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if not _not_yet_written(run):
        raise DomainError(_("This import has already run."), code="already_run", status=409)
    errors: dict[str, list[str]] = {}
    if "encoding" in data and data["encoding"]:
        if data["encoding"] not in readers.ENCODINGS:
            errors["encoding"] = [_("Choose UTF-8, UTF-8 with BOM or Shift_JIS (CP932).")]
        else:
            run.encoding = data["encoding"]
    headers, _rows = headers_of(run)
    if data.get("target") and data["target"] != run.target:
        if data["target"] not in targets.TARGET_VALUES:
            errors["target"] = [_("Choose people, companies or orders.")]
        else:
            _switch_target(run, data["target"], headers, suggest=data.get("mapping") is None)
    if run.target == targets.ORDER_TARGET and not errors:  # its own mapping and options
        orders.configure(run, data, headers)
        run.save()
        return run
    if "mapping" in data and data["mapping"] is not None:
        mapping = {str(k): str(v) for k, v in dict(data["mapping"]).items() if v}
        unknown = sorted(v for v in mapping.values() if v not in targets.fields_for(run.target))
        if unknown:
            errors["mapping"] = [_("Unknown field: %(fields)s.") % {"fields": ", ".join(unknown)}]
        missing = sorted(h for h in mapping if h not in headers)
        if missing:
            errors.setdefault("mapping", []).append(
                _("No such column: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        run.mapping = mapping
    if "mode" in data and data["mode"]:
        if data["mode"] not in ImportMode.values:
            errors["mode"] = [_("Choose create, update or upsert.")]
        run.mode = data["mode"]
    keys = targets.keys_for(run.target)
    if "match_key" in data and data["match_key"]:
        if data["match_key"] not in keys and run.target == ImportTarget.COMPANY:
            errors["match_key"] = [_("Companies are matched by corporate number or external ID.")]
        elif data["match_key"] not in keys:
            errors["match_key"] = [_("People are matched by email, phone or external ID.")]
        run.match_key = data["match_key"]
    elif run.match_key not in keys:
        run.match_key = keys[0]
    for flag in ("dry_run", "auto_merge"):
        if flag in data and data[flag] is not None:
            setattr(run, flag, bool(data[flag]))
    if run.auto_merge and run.target == ImportTarget.COMPANY:
        errors["auto_merge"] = [
            _("Automatic merging is for people only; company duplicates are merged in 名寄せ.")
        ]
    if "consent_statement" in data and data["consent_statement"] is not None:
        run.consent_statement = str(data["consent_statement"]).strip()[:2000]
    fields = set(run.mapping.values())
    if not fields & targets.IDENTIFYING[run.target]:
        errors.setdefault("mapping", []).append(
            _("Map at least a name column or the column of the matching key.")
        )
    if (
        run.mode != ImportMode.CREATE and run.match_key not in fields
    ):  # each key has a field of its name
        errors.setdefault("match_key", []).append(_("Map the column that holds the matching key."))
    if errors:
        raise ValidationFailed(errors)
    run.save()
    return run


def _not_yet_written(run: ImportRun) -> bool:
    """Uploaded, or finished as a dry run: a dry run writes no batch (its transactions are
    rolled back), so its file may be configured and run again — as a dry run or for real.
    Asked of the batches, not of ``dry_run``: configuring the real run has cleared that flag."""
    if run.status == ImportRun.Status.UPLOADED:
        return True
    return run.status == ImportRun.Status.FINISHED and not run.batches.exists()


def _switch_target(run: ImportRun, target: str, headers: list[str], *, suggest: bool) -> None:
    run.target = target
    if suggest:
        run.mapping = targets.suggest(headers, target)
    keys = targets.keys_for(target)
    mapped = set(run.mapping.values())
    run.match_key = next((key for key in keys if key in mapped), keys[0])


@transaction.atomic
def switch_target(*, actor, run: ImportRun, target: str) -> ImportRun:
    """Say what the file holds (people or companies) before mapping it: the mapping is
    suggested again for that target and a key it can match by is chosen. The rest is
    checked when the import is configured to start."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if not _not_yet_written(run):
        raise DomainError(_("This import has already run."), code="already_run", status=409)
    if target not in targets.TARGET_VALUES:
        raise ValidationFailed({"target": [_("Choose people, companies or orders.")]})
    if target != run.target:
        _switch_target(run, target, headers_of(run)[0], suggest=True)
        run.auto_merge = run.auto_merge and target == ImportTarget.PERSON
        run.save()
    return run


@transaction.atomic
def start(*, actor, run: ImportRun) -> ImportRun:
    """Queue the import; the worker runs it batch by batch and reports progress."""
    from .tasks import run_import

    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    check_mapping(run)
    if run.status == ImportRun.Status.FINISHED and _not_yet_written(run):
        run.outcomes.all().delete()  # a dry run may be repeated, or followed by the import itself
    elif run.status != ImportRun.Status.UPLOADED:
        raise DomainError(_("This import has already run."), code="already_run", status=409)
    job = jobs.start_job(kind="import", actor=actor, parameters={"import_id": run.pk})
    run.job, run.status = job, ImportRun.Status.QUEUED
    run.save(update_fields=["job", "status"])
    audit.record(
        actor=actor,
        action="start",
        obj=run,
        changes={
            "mode": [None, run.mode],
            "key": [None, run.match_key],
            "dry_run": [None, run.dry_run],
        },
        note=str(run.batch_id),
    )
    transaction.on_commit(lambda: run_import.enqueue(run.pk))
    return run


def check_mapping(run: ImportRun) -> None:
    """Refuse to start an import whose mapping cannot create a valid customer — said once,
    for the whole file, instead of as the same error on every row."""
    problems = targets.mapping_problems(run.target, run.mapping, run.mode)
    if problems:
        raise ValidationFailed({"mapping": problems}, code="mapping_incomplete")


def perform_import(run_id: int, *, progress=None) -> ImportRun | None:
    """The job body (idempotent: a run that is not queued is left alone)."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update()
            .filter(pk=run_id, status=ImportRun.Status.QUEUED)
            .first()
        )
        if run is None:
            return None
        run.status = ImportRun.Status.RUNNING
        run.save(update_fields=["status"])
    job = run.job or jobs.start_job(
        kind="import", actor=run.created_by, parameters={"import_id": run.pk}
    )
    total = readers.count_rows(run.file.path, run.file_format) or None
    jobs.mark_running(job, total=total)

    def report(done: int, total_rows: int | None, message: str | None = None) -> None:
        jobs.report_progress(
            job,
            done,
            total=max(done, total_rows or 0) or None,
            message=message or _("%(done)s rows processed") % {"done": f"{done:,}"},
        )
        if progress:
            progress(done, total_rows)

    actor = run.created_by or "import"
    execute = {ImportTarget.COMPANY: companies.execute, targets.ORDER_TARGET: orders.execute}.get(
        run.target, pipeline.execute
    )
    try:
        with acting("import", str(run.batch_id)[:32]):
            run = execute(run, actor=actor, progress=report, total=total)
    except Exception as exc:
        logger.exception("import %s failed", run_id)
        mark_interrupted(run_id, rows_done=job.progress_done)  # report() keeps it current
        jobs.fail(job, str(exc)[:2000])
        raise
    # a dry run's created rows that probably exist already (the writers list them per row)
    duplicate_count = (
        run.outcomes.filter(changes__has_key="duplicates").count() if run.dry_run else 0
    )
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FINISHED, duplicate_count=duplicate_count
    )
    run.refresh_from_db()
    jobs.finish(
        job,
        result={
            "created": run.created_count,
            "updated": run.updated_count,
            "failed": run.failed_count,
            "unchanged": run.unchanged_count,
            "merged": run.merged_count,
            "duplicates": run.duplicate_count,
        },
        message=orders.summary(run) if run.target == targets.ORDER_TARGET else run.summary,
    )
    return run


def mark_interrupted(run_id: int, *, rows_done: int = 0) -> None:
    """An import that stopped half-way — a batch raised, or its worker died — is failed,
    and its counts say what the batches committed before it stopped wrote: each batch is
    all-or-nothing, so that part is whole, and it can be undone like a finished import."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.RUNNING).first()
    if run is None:
        return
    actions = dict(run.outcomes.values("action").annotate(n=Count("id")).values_list("action", "n"))
    if run.target == ImportTarget.COMPANY or run.dry_run:
        created = actions.get("created", 0)
    else:  # a person import keeps no outcome per created row, its batches count them
        created = run.batches.aggregate(n=Sum("created_count"))["n"] or 0
    ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.RUNNING).update(
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now(),
        total_rows=rows_done,
        created_count=created,
        updated_count=actions.get("updated", 0),
        failed_count=actions.get("failed", 0),
        merged_count=actions.get("merged", 0),
    )


def import_stalled(job: JobRun) -> None:
    """core.jobs found this import's job without a heartbeat: its worker is gone
    (registered in ``ImportsConfig.ready``)."""
    run_id = (job.parameters or {}).get("import_id")
    if run_id:
        mark_interrupted(run_id, rows_done=job.progress_done)
        # a large import killed as a bulk load left indexes and postings to finish; after
        # this transaction, so the rebuild does not hold the recovery's lock
        transaction.on_commit(pipeline.repair_unless_importing)


@transaction.atomic
def request_undo(*, actor, run: ImportRun) -> JobRun:
    """Undo a whole import (its batch id): created people go to the trash, updated ones
    get back the values the import replaced — unless someone changed them since."""
    from .tasks import undo_import

    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if not run.undoable:
        raise DomainError(
            _("Only an import that wrote customers (not a dry run) can be undone."),
            code="cannot_undo",
            status=409,
        )
    job = jobs.start_job(kind="import_undo", actor=actor, parameters={"import_id": run.pk})
    actor_id = actor.pk if is_user(actor) else None
    transaction.on_commit(lambda: undo_import.enqueue(run.pk, actor_id))
    return job


def perform_undo(run_id: int, actor_id: int | None = None) -> dict:
    from daifuku.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    actor = actor or "import-undo"
    job = (
        JobRun.objects.filter(kind="import_undo", parameters__import_id=run_id)
        .order_by("-id")
        .first()
    )
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or not run.undoable:
            return {}
        if job:
            jobs.mark_running(job, total=run.created_count + run.updated_count)
        with acting("import", str(run.batch_id)[:32]):
            if run.target == targets.ORDER_TARGET:
                result = orders.undo(run, actor, job)
            elif run.target == ImportTarget.COMPANY:
                result = companies.undo(run, actor, job)
            else:
                result = _undo(run, actor, job)
        run.status = ImportRun.Status.UNDONE
        run.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="undo",
            obj=run,
            changes={k: [None, v] for k, v in result.items()},
            note=str(run.batch_id),
        )
    if job:
        jobs.finish(job, result=result, message=_("Import undone."))
    return result


def _undo(run: ImportRun, actor, job) -> dict:
    user = actor if is_user(actor) else None
    removed = 0
    for batch in run.batches.exclude(created_first_id=None):
        ids = list(
            Person.objects.filter(
                pk__gte=batch.created_first_id, pk__lte=batch.created_last_id
            ).values_list("pk", flat=True)
        )
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            Person.objects.filter(pk__in=chunk).update(
                deleted_at=timezone.now(), deleted_by=user, version=F("version") + 1
            )
            for pk in chunk:
                search.remove_document(PERSON, pk)
            # the ids came with the import and leave with it: importing the file again matches nobody
            ExternalId.objects.filter(person_id__in=chunk).delete()
        removed += len(ids)
        if job:
            jobs.report_progress(job, removed)
    reverted, conflicts = 0, 0
    for outcome in run.outcomes.filter(action="updated").exclude(person_id=None):
        person = Person.objects.filter(pk=outcome.person_id).first()
        if person is None or "same_as_row" in outcome.changes:
            continue
        restore = {}
        for name, pair in outcome.changes.items():
            if name not in AUDITED_FIELDS and name not in ("emails", "phones", "tags"):
                continue  # what the row said, not a value it replaced (warnings)
            old, new = pair
            if name in ("emails", "phones", "tags"):
                current = _current_list(person, name)
                if current == new:
                    restore[name] = old
                else:
                    conflicts += 1
            elif audit.snapshot(person, [name])[name] == new:
                restore[name] = (
                    custom_restore(old, new)
                    if name == "custom_fields"
                    else old
                    if old is not None
                    else ""
                )
            else:
                conflicts += 1
        if restore:
            customer_services.update_person(actor=actor, person=person, data=restore)
            reverted += 1
    if removed:
        audit.record(
            actor=actor,
            action="delete",
            object_type="customers.person",
            object_repr=run.original_name[:200],
            changes={"people": [removed, None]},
            note=f"undo of import {run.batch_id}",
        )
    companies_removed, companies_kept = _undo_created_companies(run, actor)
    return {
        "removed": removed,
        "reverted": reverted,
        "conflicts": conflicts,
        "companies_removed": companies_removed,
        "companies_kept": companies_kept,
    }


def _undo_created_companies(run: ImportRun, actor) -> tuple[int, int]:
    """The companies the file's 会社名 column created go to the trash with the people —
    unless they have become more than the import made: a company someone has edited since
    (its version moved), or one that other data now points at (a contact of a person this
    import did not create, a deal, an activity, an e-mail, a tag …). Those are kept: taking
    them away would take other people's work with them. ``(removed, kept)``."""
    ids = [pk for batch in run.batches.all() for pk in batch.created_company_ids]
    if not ids:
        return 0, 0
    ranges = Q()
    for batch in run.batches.exclude(created_first_id=None):
        ranges |= Q(person_id__gte=batch.created_first_id, person_id__lte=batch.created_last_id)
    removed = kept = 0
    for company in Company.objects.filter(pk__in=ids).order_by("pk"):
        if company.version > 1 or _referenced(company, ranges):
            kept += 1
            continue
        try:
            customer_services.delete_company(actor=actor, company=company)
            removed += 1
        except DomainError:
            kept += 1  # no longer the undoer's to delete
    return removed, kept


def _referenced(company: Company, own_people: Q) -> bool:
    """Whether anything but this import's own people points at ``company`` (every relation
    of every app, trashed rows included)."""
    if company.tags.exists():
        return True
    for relation in Company._meta.related_objects:
        rows = relation.related_model._base_manager.filter(**{relation.field.name: company})
        if relation.related_model is Contact and own_people:
            rows = rows.exclude(own_people)
        if rows.exists():
            return True
    return False


def _current_list(person: Person, name: str) -> list[str]:
    if name == "emails":
        return list(person.emails.values_list("address", flat=True))
    if name == "phones":
        return list(person.phones.values_list("number", flat=True))
    return list(person.tags.values_list("name", flat=True))


@transaction.atomic
def save_mapping(*, actor, name: str, mapping: dict[str, str]) -> SavedMapping:
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationFailed({"name": [_("Give the mapping a name.")]})
    unknown = sorted(
        v
        for v in mapping.values()
        if v
        and v not in mapping_module.FIELDS
        and v not in targets.COMPANY_FIELDS
        and not v.startswith(targets.CUSTOM_PREFIX)
    )
    if unknown:
        raise ValidationFailed(
            {"mapping": [_("Unknown field: %(fields)s.") % {"fields": ", ".join(unknown)}]}
        )
    saved, created = SavedMapping.objects.update_or_create(
        name=name,
        defaults={
            "mapping": {k: v for k, v in mapping.items() if v},
            "created_by": actor if is_user(actor) else None,
        },
    )
    audit.record(
        actor=actor,
        action="create" if created else "update",
        obj=saved,
        changes={"mapping": [None, saved.mapping]},
    )
    return saved


def failed_rows_csv(run: ImportRun, encoding: str = "utf-8-sig") -> bytes:
    """The rows that failed, with the original columns and an error column, to fix and
    import again. The cells are the file's own, so a formula in them (=HYPERLINK(…)) is
    neutralised as in every export; importing the file again takes the apostrophe off."""
    headers, _preview = headers_of(run)
    rows = [headers + [_("Error")]]
    for outcome in run.outcomes.filter(action="failed").order_by("row_number"):
        cells = list(outcome.raw) + [""] * max(0, len(headers) - len(outcome.raw))
        rows.append(cells[: len(headers)] + [f"{_('Row')} {outcome.row_number}: {outcome.reason}"])
    rows = [[export.neutralise(cell) for cell in row] for row in rows]
    if encoding == "cp932":  # what Shift_JIS cannot hold is 〓, and the error column says so
        converted = [cp932.row_to_cp932(rows[0], rows[0])[0]]
        for row in rows[1:]:
            cells, note = cp932.row_to_cp932(row[:-1], headers)
            converted.append(
                [*cells, row[-1] + (f" ({_('Replaced for Excel')}: {note})" if note else "")]
            )
        rows = converted
    return readers.csv_bytes(rows, "cp932" if encoding == "cp932" else encoding)
