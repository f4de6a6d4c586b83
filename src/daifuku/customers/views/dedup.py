"""名寄せ screens: the review queue, side-by-side compare with a choice per field, merge,
"not duplicates", undo, and the probable-duplicate hint on the create form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE
from daifuku.core.errors import DomainError
from daifuku.core.japanese import format_postal_code
from daifuku.core.screens import page_or_partial, wants_partial

from ..dedup import selectors as dedup_selectors
from ..dedup.services import decisions as dedup_services
from ..dedup.services.merge import COMPANY_FIELDS, PERSON_FIELDS, undo_merge
from ..selectors import reference

REASON_LABELS = {
    "email": gettext_lazy("same email"),
    "phone": gettext_lazy("same phone"),
    "kana": gettext_lazy("same reading"),
    "name": gettext_lazy("same name"),
    "name_similar": gettext_lazy("similar name"),
    "birthday": gettext_lazy("same birthday"),
    "postal_code": gettext_lazy("same postal code"),
    "address": gettext_lazy("same address"),
    "company_name": gettext_lazy("same company name"),
    "corporate_number": gettext_lazy("same corporate number"),
}


def reason_labels(reasons) -> list[str]:
    return [str(REASON_LABELS.get(r, r)) for r in reasons]


@login_required
def dedup_queue(request):
    if wants_partial(request) and request.GET.get("scan"):
        return _scan_status(request, request.GET["scan"])
    entity_type = (
        request.GET.get("type", "") if request.GET.get("type") in ("person", "company") else ""
    )
    page = dedup_selectors.list_groups(
        request.user, entity_type=entity_type, cursor=request.GET.get("after")
    )
    groups = [
        {"group": g, "members": dedup_selectors.members_of(g), "reasons": reason_labels(g.reasons)}
        for g in page.items
    ]
    job = reference.last_dedup_scan()
    context = {"groups": groups, "page": page, "type": entity_type, "job": job}
    return page_or_partial(
        request, "customers/dedup_queue.html", "customers/partials/_dedup_queue.html", context
    )


def _scan_status(request, watched: str):
    """The running scan's line, polled by the page; once the scan it watched has ended the
    whole page reloads (HX-Refresh) to show the new candidate groups."""
    job = reference.last_dedup_scan()
    response = render(request, "customers/partials/_dedup_scan_status.html", {"job": job})
    if job is None or str(job.pk) != watched or job.is_finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def dedup_scan(request):
    entity_type = request.POST.get("type", "person")
    try:
        dedup_services.start_scan(actor=request.user, entity_type=entity_type)
        messages.success(
            request, _("Looking for duplicates. The list updates when the scan is done.")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("customers:dedup")


def _rows(group, members) -> tuple[list[dict], list[dict]]:
    fields = PERSON_FIELDS if group.entity_type == "person" else COMPANY_FIELDS
    model = type(members[0]) if members else None
    rows = []
    for name in fields:
        field = model._meta.get_field(name)
        values = []
        for member in members:
            display = getattr(member, f"get_{name}_display", None)
            value = (
                display() if display and getattr(member, field.attname) else getattr(member, name)
            )
            if name == "postal_code" and value:
                value = format_postal_code(value)  # 350-1162, as people write it
            values.append("" if value is None else str(value))
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "values": values,
                "same": len(set(values)) == 1,
            }
        )
    contact = [
        {
            "name": "emails",
            "label": _("Email addresses"),
            "values": [", ".join(e.address for e in m.emails.all()) for m in members],
        },
        {
            "name": "phones",
            "label": _("Phone numbers"),
            "values": [", ".join(p.number for p in m.phones.all()) for m in members],
        },
    ]
    return rows, contact


@login_required
def dedup_group(request, pk: int):
    group = dedup_selectors.get_group(request.user, pk)
    members = dedup_selectors.members_of(group)
    rows, contact = _rows(group, members)
    return render(
        request,
        "customers/dedup_group.html",
        {
            "group": group,
            "members": members,
            "rows": rows,
            "contact": contact,
            "reasons": reason_labels(group.reasons),
            "entity_type": group.entity_type,
            "pairs": [{**p, "labels": reason_labels(p["reasons"])} for p in group.pairs],
        },
    )


@login_required
@require_POST
def dedup_merge(request, pk: int):
    group = dedup_selectors.get_group(request.user, pk, CHANGE)
    try:
        survivor_id = int(request.POST.get("survivor", ""))
    except ValueError:
        messages.error(request, _("Choose the record that stays."))
        return redirect("customers:dedup-group", group.pk)
    members = group.member_ids
    fields = PERSON_FIELDS if group.entity_type == "person" else COMPANY_FIELDS
    # a field whose chosen column is another member's takes that member's value
    choices = {
        name: "loser"
        for name in fields
        if request.POST.get(f"field_{name}") not in (None, "", str(survivor_id))
    }
    try:
        journals = dedup_services.merge_group(
            actor=request.user,
            group=group,
            survivor_id=survivor_id,
            choices=choices,
            loser_ids=[m for m in members if m != survivor_id],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("customers:dedup-group", group.pk)
    messages.success(request, _("Merged. You can undo this from the record's merge history."))
    target = "customers:person" if group.entity_type == "person" else "customers:company"
    response = redirect(target, survivor_id)
    if journals:
        response = redirect("customers:dedup-merged", journals[0].pk)
    return response


@login_required
def dedup_merged(request, journal_id: int):
    journal = dedup_selectors.get_journal(request.user, journal_id, "view")
    return render(
        request,
        "customers/dedup_merged.html",
        {"journal": journal, "entries": journal.entries.count(), "conflicts": None},
    )


@login_required
@require_POST
def dedup_undo(request, journal_id: int):
    journal = dedup_selectors.get_journal(request.user, journal_id, CHANGE)
    try:
        undo_merge(actor=request.user, journal=journal)
    except DomainError as exc:
        return render(
            request,
            "customers/dedup_merged.html",
            {
                "journal": journal,
                "entries": journal.entries.count(),
                "message": exc.message,
                "conflicts": exc.errors,
            },
            status=exc.status,
        )
    messages.success(request, _("The merge was undone."))
    target = "customers:person" if journal.entity_type == "person" else "customers:company"
    return redirect(target, journal.survivor_id)


@login_required
@require_POST
def dedup_dismiss(request, pk: int):
    group = dedup_selectors.get_group(request.user, pk, CHANGE)
    try:
        dedup_services.dismiss_group(actor=request.user, group=group)
        messages.success(
            request, _("Noted: these are different customers. They will not be proposed again.")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("customers:dedup")


@login_required
def dedup_check(request):
    """htmx: probable duplicates of what is being typed in the person form."""
    data = request.GET.dict() if request.method == "GET" else request.POST.dict()
    found = (
        dedup_selectors.probable_duplicates(request.user, data)
        if any(data.get(k) for k in ("family_name", "emails", "phones", "family_kana"))
        else []
    )
    return render(request, "customers/partials/_dedup_hint.html", {"found": found})
