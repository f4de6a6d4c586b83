"""Every write of the import area: upload, configure, start (queue) or run here, request an
undo, saved mappings (docs/architecture.md convention 1). The jobs themselves — running
and undoing an import — are in :mod:`daifuku.imports.jobs`."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import is_user
from daifuku.core import audit, jobs
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.models import JobRun

from . import cp932, export, orders, readers, targets
from . import mapping as mapping_module
from .jobs import perform_import, run_import, undo_import
from .models import ImportMode, ImportRun, ImportTarget, SavedMapping

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


def run_here(*, run: ImportRun, progress=None) -> ImportRun | None:
    """Run an uploaded import now, in the calling process (``daifuku import``: no worker
    needed): queued, then run as the worker would; ``progress(done, total)`` is told of
    every batch. Returns the run as it finished (None if it was not the uploaded run's to
    start)."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)
    return perform_import(run.pk, progress=progress)


def check_mapping(run: ImportRun) -> None:
    """Refuse to start an import whose mapping cannot create a valid customer — said once,
    for the whole file, instead of as the same error on every row."""
    problems = targets.mapping_problems(run.target, run.mapping, run.mode)
    if problems:
        raise ValidationFailed({"mapping": problems}, code="mapping_incomplete")


@transaction.atomic
def request_undo(*, actor, run: ImportRun) -> JobRun:
    """Undo a whole import (its batch id): created people go to the trash, updated ones
    get back the values the import replaced — unless someone changed them since."""
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
