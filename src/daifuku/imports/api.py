"""``/api/v1/imports`` (upload + mapping, job status, failed rows, undo) and
``/api/v1/exports/people`` — thin adapters over the import services and selectors."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpResponse, StreamingHttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from daifuku.core.errors import ValidationFailed
from daifuku.customers import list_extensions
from daifuku.customers import selectors as customer_selectors

from . import export, orders, selectors, services, targets

router = Router(tags=["imports"])


class ImportOut(Schema):
    id: int
    batch_id: str
    file_name: str
    format: str
    encoding: str
    detected_encoding: str
    status: str
    target: str
    mode: str
    match_key: str
    dry_run: bool
    mapping: dict[str, str]
    mapping_problems: list[str]
    headers: list[str]
    preview: list[list[str]]
    progress: dict
    counts: dict
    summary: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


def import_dict(run, *, with_preview: bool = True) -> dict:
    headers, preview = services.headers_of(run) if with_preview else ([], [])
    job = run.job
    return {
        "id": run.pk,
        "batch_id": str(run.batch_id),
        "file_name": run.original_name,
        "format": run.file_format,
        "encoding": run.encoding,
        "detected_encoding": run.detected_encoding,
        "status": run.status,
        "target": run.target,
        "mode": run.mode,
        "match_key": run.match_key,
        "dry_run": run.dry_run,
        "mapping": run.mapping,
        "mapping_problems": targets.mapping_problems(run.target, run.mapping, run.mode)
        if with_preview
        else [],
        "headers": headers,
        "preview": preview,
        "progress": {
            "done": job.progress_done if job else 0,
            "total": job.progress_total if job else None,
            "percent": job.percent if job else None,
            "message": job.message if job else "",
        },
        "counts": {
            "created": run.created_count,
            "updated": run.updated_count,
            "failed": run.failed_count,
            "unchanged": run.unchanged_count,
            "merged": run.merged_count,
            "duplicates": run.duplicate_count,
        },
        "summary": orders.summary(run) if run.target == targets.ORDER_TARGET else run.summary,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


def _options(raw: str) -> dict:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ValidationFailed(
            {"mapping": ["Send the mapping as a JSON object {column: field}."]}
        ) from None
    if not isinstance(value, dict):
        raise ValidationFailed({"mapping": ["Send the mapping as a JSON object {column: field}."]})
    return value


@router.post("/imports", response={201: ImportOut}, summary="Upload a file and start importing it")
def create_import(
    request,
    file: File[UploadedFile],
    mapping: Form[str] = "",
    target: Form[str] = "person",
    mode: Form[str] = "upsert",
    match_key: Form[str] = "",
    encoding: Form[str] = "",
    dry_run: Form[bool] = False,
    auto_merge: Form[bool] = False,
    consent_statement: Form[str] = "",
    start: Form[bool] = True,
    create_missing_customers: Form[bool] = False,
    currency: Form[str] = "",
    source: Form[str] = "",
):
    """Multipart upload. ``target`` is what the file holds: ``person`` (default),
    ``company`` or ``order`` (an order history: ``create_missing_customers``, ``currency``
    and ``source`` are its options). ``mapping`` is a JSON object ``{column header: field}``; without it the
    suggested mapping is used (header names, vCard fields). ``match_key`` defaults to
    ``email`` for people and ``corporate_number`` for companies. ``start=false`` only
    uploads, so the suggestion and preview can be reviewed first (then PATCH and POST …/start)."""
    data = {
        "mode": mode,
        "match_key": match_key,
        "encoding": encoding,
        "dry_run": dry_run,
        "auto_merge": auto_merge,
        "consent_statement": consent_statement,
    }
    if target == targets.ORDER_TARGET:
        data.update(
            create_missing_customers=create_missing_customers, currency=currency, source=source
        )
    if mapping:
        data["mapping"] = _options(mapping)
    run = services.upload_and_start(
        actor=request.auth,
        file=file,
        name=file.name or "import.csv",
        target=target,
        data=data,
        start_now=start,
    )
    run = selectors.get_run(request.auth, run.pk)
    return Status(201, import_dict(run))


class ImportPatch(Schema):
    model_config = {"extra": "forbid"}
    mapping: dict[str, str] | None = None
    target: str | None = None
    mode: str | None = None
    match_key: str | None = None
    encoding: str | None = None
    dry_run: bool | None = None
    auto_merge: bool | None = None
    consent_statement: str | None = None
    create_missing_customers: bool | None = None
    currency: str | None = None
    source: str | None = None


@router.get(
    "/imports/fields", response=dict[str, str], summary="The fields a column can be mapped to"
)
def import_fields(request, target: str = "person"):
    """``target=company`` lists the fields of a company file."""
    return {key: str(label) for key, label in targets.fields_for(target).items()}


@router.get("/imports/{import_id}", response=ImportOut, summary="Import status and progress")
def get_import(request, import_id: int):
    return import_dict(selectors.get_run(request.auth, import_id))


@router.patch("/imports/{import_id}", response=ImportOut)
def update_import(request, import_id: int, payload: ImportPatch):
    run = services.configure(
        actor=request.auth,
        run=selectors.get_run(request.auth, import_id, "change"),
        data=payload.model_dump(exclude_unset=True),
    )
    return import_dict(run)


@router.post("/imports/{import_id}/start", response=ImportOut)
def start_import(request, import_id: int):
    run = services.start(
        actor=request.auth, run=selectors.get_run(request.auth, import_id, "change")
    )
    return import_dict(selectors.get_run(request.auth, run.pk))


class DuplicateOut(Schema):
    id: int
    name: str
    email: str
    score: int
    reasons: list[str]


class OutcomeOut(Schema):
    row: int
    action: str
    person_id: int | None
    company_id: int | None
    reason: str
    changes: dict
    duplicates: list[DuplicateOut]
    warnings: list[str]


@router.get(
    "/imports/{import_id}/rows",
    response=list[OutcomeOut],
    summary="Per-row outcomes (dry run: every row)",
)
def import_rows(
    request,
    import_id: int,
    action: str = "",
    duplicates: bool = False,
    warnings: bool = False,
    limit: int = 500,
):
    """``duplicates=true``: only the rows a dry run would create although they probably
    exist already; each row's ``duplicates`` lists those customers (id, name, email,
    score 0–100, 名寄せ reason codes), best first. ``warnings=true``: only the rows
    imported with a warning (a postal code shared by several places: the address was left
    to the user)."""
    run = selectors.get_run(request.auth, import_id)
    qs = run.outcomes.all()
    if action:
        qs = qs.filter(action=action)
    if duplicates:
        qs = qs.filter(changes__has_key="duplicates")
    if warnings:
        qs = qs.filter(changes__has_key="warnings")
    return [
        {
            "row": o.row_number,
            "action": o.action,
            "person_id": o.person_id,
            "company_id": o.company_id,
            "reason": o.reason,
            "changes": o.changes,
            "duplicates": o.changes.get("duplicates", []),
            "warnings": o.changes.get("warnings", []),
        }
        for o in qs[: max(1, min(limit, 5000))]
    ]


@router.get(
    "/imports/{import_id}/failed.csv",
    summary="The failed rows with an error column, to fix and re-import",
)
def import_failed_rows(request, import_id: int):
    run = selectors.get_run(request.auth, import_id)
    response = HttpResponse(services.failed_rows_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="failed-{run.pk}.csv"'
    return response


@router.post(
    "/imports/{import_id}/undo",
    response={202: dict},
    summary="Undo the whole import (its batch id)",
)
def undo_import(request, import_id: int):
    job = services.request_undo(
        actor=request.auth, run=selectors.get_run(request.auth, import_id, "change")
    )
    return Status(202, {"job_id": job.pk})


@router.get(
    "/exports/people", summary="Export people (current filters) as CSV, xlsx, vCard or JSON"
)
def export_people(
    request,
    format: str = "csv_bom",
    search: str = "",
    owner: str = "",
    lifecycle: str = "",
    tag: int | None = None,
    prefecture: str = "",
):
    if format not in export.FORMATS:
        raise ValidationFailed(
            {"format": [f"Use one of: {', '.join(export.FORMATS)}."]}, code="invalid_format"
        )
    filters = customer_selectors.PersonFilters(
        q=search.strip(),
        owner=request.auth.pk if owner == "me" else None,
        lifecycle=lifecycle,
        tag=tag,
        prefecture=prefecture,
        # rank, RFM, LTV … registered by other domains (customers.list_extensions)
        extra=list_extensions.filter_values(request.GET),
    )
    queryset = export_queryset(request.auth, filters)
    export.record_export(
        actor=request.auth,
        file_format=format,
        count=queryset.count(),
        filters={
            "search": search,
            "owner": owner,
            "lifecycle": lifecycle,
            "tag": tag,
            "prefecture": prefecture,
            **filters.extra,
        },
    )
    content_type, extension = export.FORMATS[format]
    response = StreamingHttpResponse(export.stream(queryset, format), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="people.{extension}"'
    return response


def export_queryset(user, filters):
    qs = filters.apply(customer_selectors.people_queryset(user))
    if filters.q:
        ids = [
            hit.entity_id
            for hit in customer_selectors.search_hits(filters.q, types=(1,), limit=100_000)[0]
        ]
        qs = qs.filter(pk__in=ids)
    return qs
