"""Import / export screens: upload → mapping with preview → progress → result; exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from daifuku.core import selections
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.customers import list_extensions, list_filters
from daifuku.customers import selectors as customer_selectors
from daifuku.customers.views.dedup import reason_labels

from . import export, mapping, selectors, services, targets
from .api import export_queryset
from .models import ImportMode, ImportRun, ImportTarget
from .readers import ENCODINGS

ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp932": "Shift_JIS (CP932)"}
EXPORT_LABELS = [
    ("csv_cp932", "CSV (Excel, Shift_JIS)"),
    ("csv_bom", "CSV (UTF-8 BOM)"),
    ("csv", "CSV (UTF-8)"),
    ("xlsx", "Excel (.xlsx)"),
    ("vcf", "vCard (.vcf)"),
    ("json", "JSON"),
]


@login_required
def home(request):
    page = selectors.list_runs(request.user, cursor=request.GET.get("after"))
    return render(
        request,
        "imports/home.html",
        {
            "page": page,
            "export_formats": EXPORT_LABELS,
            "targets": targets.TARGET_CHOICES,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def upload(request):
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file to import."))
        return redirect("imports:home")
    try:
        run = services.upload(
            actor=request.user,
            file=file,
            name=file.name,
            target=request.POST.get("target") or ImportTarget.PERSON,
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        return redirect("imports:home")
    return redirect("imports:run", run.pk)


def _mapping_from_post(request, headers: list[str]) -> dict[str, str]:
    return {
        header: request.POST.get(f"map_{index}", "")
        for index, header in enumerate(headers)
        if request.POST.get(f"map_{index}")
    }


@login_required
def run_detail(request, pk: int):
    run = selectors.get_run(request.user, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and run.status in (
        ImportRun.Status.UPLOADED,
        ImportRun.Status.FINISHED,
    ):
        run = selectors.get_run(request.user, pk, "change")
        # the encoding or the target changed (the selects submit the form): show the file again
        if request.POST.get("encoding") and request.POST["encoding"] != run.encoding:
            services.configure(
                actor=request.user, run=run, data={"encoding": request.POST["encoding"]}
            )
            return redirect("imports:run", run.pk)
        if request.POST.get("target") and request.POST["target"] != run.target:
            try:
                services.switch_target(actor=request.user, run=run, target=request.POST["target"])
            except DomainError as exc:
                messages.error(
                    request,
                    " ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message),
                )
            return redirect("imports:run", run.pk)
        headers, _preview = services.headers_of(run)
        data = {
            "mapping": _mapping_from_post(request, headers),
            "mode": request.POST.get("mode"),
            "match_key": request.POST.get("match_key"),
            "dry_run": request.POST.get("dry_run") == "1",
            "auto_merge": request.POST.get("auto_merge") == "1",
            "consent_statement": request.POST.get("consent_statement", ""),
        }
        if run.target == targets.ORDER_TARGET:  # an order history's own options
            data.update(
                create_missing_customers=request.POST.get("create_missing_customers") == "1",
                currency=request.POST.get("currency", ""),
                source=request.POST.get("source", ""),
            )
        try:
            run = services.configure(actor=request.user, run=run, data=data)
            if request.POST.get("save_as"):
                services.save_mapping(
                    actor=request.user, name=request.POST["save_as"], mapping=run.mapping
                )
            services.start(actor=request.user, run=run)
            return redirect("imports:run", run.pk)
        except DomainError as exc:
            errors = exc.errors or {"__all__": [str(exc.message)]}
    return render(request, "imports/run.html", _run_context(request, run, errors))


def _run_context(request, run: ImportRun, errors=None) -> dict:
    headers, preview = services.headers_of(run)
    current = dict(run.mapping)
    preset = request.GET.get("preset", "")
    saved = request.GET.get("saved", "")
    if preset in mapping.PRESETS:
        current = mapping.suggest(headers, preset)
    elif saved:
        found = next((m for m in selectors.saved_mappings() if str(m.pk) == saved), None)
        if found:
            current = {h: f for h, f in found.mapping.items() if h in headers}
    columns = [
        {
            "index": i,
            "header": h,
            "field": current.get(h, ""),
            "samples": [r[i] if i < len(r) else "" for r in preview],
        }
        for i, h in enumerate(headers)
    ]
    editable = run.status == ImportRun.Status.UPLOADED or (
        run.status == ImportRun.Status.FINISHED and run.dry_run
    )
    people = run.target == ImportTarget.PERSON
    return {
        "run": run,
        "columns": columns,
        "fields": list(targets.fields_for(run.target).items()),
        "targets": targets.TARGET_CHOICES,
        "modes": ImportMode.choices,
        "keys": targets.key_choices(run.target),
        "encodings": [(e, ENCODING_LABELS[e]) for e in ENCODINGS],
        "presets": mapping.PRESET_LABELS.items() if people else [],
        "saved": selectors.saved_mappings(),
        "errors": errors or {},
        "editable": editable,
        "mapping_problems": targets.mapping_problems(run.target, current, run.mode)
        if editable
        else [],
        "outcomes": _outcomes(request, run, request.GET.get("rows", "")),
        "rows": request.GET.get("rows", ""),
        **_order_options(run),
    }


def _order_options(run: ImportRun) -> dict:
    """What the form shows of an order import's options (imports.orders)."""
    if run.target != targets.ORDER_TARGET:
        return {}
    from daifuku.commerce.maths.currency import MINOR_DIGITS

    from . import orders

    return {"order_options": orders.options(run), "currencies": list(MINOR_DIGITS)}


ACTION_LABELS = {
    "created": pgettext_lazy("import row", "Created"),
    "updated": pgettext_lazy("import row", "Updated"),
    "unchanged": pgettext_lazy("import row", "Unchanged"),
    "failed": pgettext_lazy("import row", "Error"),
    "merged": pgettext_lazy("import row", "Merged"),
}


def _outcomes(request, run: ImportRun, only: str = "") -> list:
    """The first 200 row outcomes of a finished run (``only``: failed rows, the rows with
    probable duplicates or with warnings), each with what the page shows of it: the
    result in words, the customer's name (as the user may see it now, else as the row
    wrote it) and its duplicates."""
    if run.status not in (ImportRun.Status.FINISHED, ImportRun.Status.UNDONE):
        return []
    page = "customers:company" if run.target == ImportTarget.COMPANY else "customers:person"
    rows = selectors.row_outcomes(request.user, run, only)
    plan = None
    for outcome in rows:
        outcome.customer_id = outcome.company_id or outcome.person_id
        outcome.action_label = ACTION_LABELS.get(outcome.action, outcome.action)
        if not outcome.customer_name:  # not visible (or trashed): the name the row gave
            if outcome.raw and plan is None:
                headers = services.headers_of(run)[0]
                plan = mapping.compile_mapping(headers, run.mapping, targets.fields_for(run.target))
            outcome.customer_name = mapping.name_in_row(plan or [], outcome.raw, outcome.changes)
        else:
            outcome.customer_url = reverse(page, args=[outcome.customer_id])
        outcome.duplicates = [
            {
                **found,
                "url": reverse(page, args=[found["id"]]),
                "reason_labels": reason_labels(found["reasons"]),
                "label": found["name"] + (f"（{found['email']}）" if found.get("email") else ""),
            }
            for found in outcome.changes.get("duplicates", ())
        ]
    return rows


@login_required
def run_progress(request, pk: int):
    run = selectors.get_run(request.user, pk)
    return render(
        request,
        "imports/partials/_progress.html",
        {"run": run, "outcomes": _outcomes(request, run)},
    )


@login_required
def failed_rows(request, pk: int):
    run = selectors.get_run(request.user, pk)
    encoding = "cp932" if request.GET.get("encoding") == "cp932" else "utf-8-sig"
    response = HttpResponse(services.failed_rows_csv(run, encoding), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="failed-rows-{run.pk}.csv"'
    return response


@login_required
@require_POST
def undo(request, pk: int):
    run = selectors.get_run(request.user, pk, "change")
    try:
        services.request_undo(actor=request.user, run=run)
        messages.success(request, _("The import is being undone."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("imports:run", run.pk)


def _selected_people(request) -> tuple[int, ...] | None:
    """The people of a dashboard's bar or cell (``?selection=``, core.selections), so the
    list's 「エクスポート」 exports what the list shows; a bad token exports nobody."""
    token = request.GET.get("selection", "")
    if not token:
        return None
    found = selections.resolve(token, request.user)
    return tuple(found[0]) if found else ()


@login_required
def export_people(request):
    file_format = request.GET.get("format", "csv_bom")
    if file_format not in export.FORMATS:
        file_format = "csv_bom"
    owner = request.GET.get("owner", "")
    filters = customer_selectors.PersonFilters(
        q=request.GET.get("q", "").strip(),
        # ?segment=<id> and other narrowings of the list (customers.list_filters)
        within=list_filters.from_query(request.user, request.GET)[0],
        owner=request.user.pk if owner == "me" else None,
        lifecycle=request.GET.get("lifecycle", ""),
        prefecture=request.GET.get("prefecture", ""),
        ids=_selected_people(request),
        extra=list_extensions.filter_values(request.GET),
    )
    queryset = export_queryset(request.user, filters)
    export.record_export(
        actor=request.user,
        file_format=file_format,
        count=queryset.count(),
        filters={k: v for k, v in request.GET.items() if k != "format"},
    )
    content_type, extension = export.FORMATS[file_format]
    response = StreamingHttpResponse(
        export.stream(queryset, file_format), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="customers.{extension}"'
    return response
