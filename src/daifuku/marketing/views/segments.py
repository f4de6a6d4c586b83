"""Segments: the list, the rule builder with its live count, a segment's page."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE, DELETE, may
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.screens import done, int_or_none, run_service
from daifuku.customers import selectors as customer_selectors

from .. import selectors, services
from ..forms import ImportForm, SegmentForm
from ..permissions import may_send

MEMBERS_SHOWN = 50


@login_required
def segment_list(request):
    return render(
        request, "marketing/segment_list.html", {"segments": selectors.list_segments(request.user)}
    )


def _builder(request, form, segment=None):
    rules = form.data.get("rules") if form.is_bound else None
    if not rules:
        rules = json.dumps(segment.rules if segment else {"all": []}, ensure_ascii=False)
    return render(
        request,
        "marketing/segment_form.html",
        {
            "form": form,
            "segment": segment,
            "rules_json": rules,
            "fields": _fields_for(segment),
            "count": _count(request.user, rules),
        },
    )


def _fields_for(segment) -> list[dict]:
    """The builder's conditions; a segment is not offered as a member of itself."""
    fields = selectors.builder_fields()
    if segment is not None:
        for field in fields:
            if field["key"] == "segment":
                field["choices"] = [c for c in field["choices"] if c["value"] != segment.pk]
    return fields


def _rules_of(form) -> dict | None:
    try:
        rules = json.loads(form.cleaned_data.get("rules") or '{"all": []}')
    except (ValueError, RecursionError):
        form.add_error(None, _("The rules could not be read; add the conditions again."))
        return None
    return rules


@login_required
def segment_create(request):
    form = SegmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rules = _rules_of(form)
        if rules is not None:
            data = {**form.cleaned_data, "rules": rules}
            if data["kind"] == "static":
                data["rules"] = None
            segment = run_service(
                form, lambda: services.create_segment(actor=request.user, data=data)
            )
            if segment is not None:
                return done(request, _("The segment was saved."), "marketing:segment", segment.pk)
    return _builder(request, form)


@login_required
def segment_edit(request, pk):
    segment = selectors.get_segment(request.user, pk, CHANGE)
    form = SegmentForm(
        request.POST or None,
        creating=False,
        initial={"name": segment.name, "description": segment.description},
    )
    if request.method == "POST" and form.is_valid():
        rules = _rules_of(form)
        if rules is not None:
            data = {
                "name": form.cleaned_data["name"],
                "description": form.cleaned_data["description"],
            }
            if not segment.is_static:
                data["rules"] = rules
            saved = run_service(
                form,
                lambda: services.update_segment(
                    actor=request.user,
                    segment=segment,
                    data=data,
                    expected_version=int_or_none(request.POST.get("version")),
                ),
            )
            if saved is not None:
                return done(request, _("The segment was saved."), "marketing:segment", segment.pk)
    return _builder(request, form, segment)


def _count(user, raw) -> dict:
    """The live count of a rule tree as JSON text: ``{"count"}`` or ``{"problems"}`` (each
    message with the condition it is about: 「条件 2-1: …」)."""
    try:
        rules = json.loads(raw or '{"all": []}')
    except (ValueError, RecursionError):
        return {"problems": [_("The rules could not be read.")]}
    try:
        return {"count": selectors.count_rules(user, rules)}
    except ValidationFailed as exc:
        return {
            "problems": [
                f"{_where(path)}: {message}" if _where(path) else message
                for path, messages in exc.errors.items()
                for message in messages
            ]
        }


def _where(path: str) -> str:
    numbers = [str(int(part) + 1) for part in path.split(".") if part.isdigit()]
    return _("Condition %(number)s") % {"number": "-".join(numbers)} if numbers else ""


@login_required
@require_POST
def rules_count(request):
    """The rule builder's live count (htmx, on every change of the rules)."""
    return render(
        request,
        "marketing/partials/_count.html",
        {"count": _count(request.user, request.POST.get("rules"))},
    )


@login_required
def segment_detail(request, pk):
    segment = selectors.get_segment(request.user, pk)
    filters = customer_selectors.PersonFilters(within=selectors.members_condition(segment))
    page = customer_selectors.list_people(request.user, filters, size=MEMBERS_SHOWN)
    return render(
        request,
        "marketing/segment_detail.html",
        {
            "segment": segment,
            "count": selectors.count_members(request.user, segment),
            "members": page.items,
            "more": page.has_next,
            "may_change": may(request.user, CHANGE, segment),
            "may_send": may_send(request.user),
            "may_delete": may(request.user, DELETE, segment),
            "import_form": ImportForm(),
            "rules_text": selectors.describe_rules(segment),
        },
    )


@login_required
def segment_count(request, pk):
    """One segment's count (the list fetches each row's after the page)."""
    segment = selectors.get_segment(request.user, pk)
    return render(
        request,
        "marketing/partials/_count.html",
        {"count": {"count": selectors.count_members(request.user, segment)}},
    )


@login_required
@require_POST
def segment_delete(request, pk):
    segment = selectors.get_segment(request.user, pk, DELETE)
    try:
        services.delete_segment(actor=request.user, segment=segment)
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, str(exc.message))
        return redirect("marketing:segment", segment.pk)
    return done(request, _("The segment was deleted."), "marketing:segments")


def _person_ids(request) -> list[int]:
    ids = []
    for raw in request.POST.getlist("person"):
        if raw.isdigit() and len(raw) < 19:
            ids.append(int(raw))
    return ids


def _report(request, change) -> None:
    from django.contrib import messages

    if change.added or not (change.not_found or change.removed):
        messages.success(
            request,
            _("%(added)s added, %(already)s already on the list.")
            % {"added": change.added, "already": change.already},
        )
    if change.removed:
        messages.success(request, _("%(count)s taken off the list.") % {"count": change.removed})
    if change.not_found:
        shown = "、".join(change.not_found[:20]) + ("…" if len(change.not_found) > 20 else "")
        messages.warning(
            request,
            _("%(count)s not found: %(items)s") % {"count": len(change.not_found), "items": shown},
        )


@login_required
@require_POST
def list_add(request, pk):
    """People chosen on the page (the search's checkboxes) put onto a fixed list."""
    segment = selectors.get_segment(request.user, pk, CHANGE)
    return _list_change(
        request,
        segment,
        lambda: services.add_members(
            actor=request.user, segment=segment, person_ids=_person_ids(request)
        ),
    )


@login_required
@require_POST
def list_remove(request, pk):
    segment = selectors.get_segment(request.user, pk, CHANGE)
    return _list_change(
        request,
        segment,
        lambda: services.remove_members(
            actor=request.user, segment=segment, person_ids=_person_ids(request)
        ),
    )


@login_required
@require_POST
def list_import(request, pk):
    segment = selectors.get_segment(request.user, pk, CHANGE)
    text = request.POST.get("text", "")
    upload = request.FILES.get("file")
    if upload is not None:
        raw = upload.read(5_000_000)
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return _list_change(
        request,
        segment,
        lambda: services.import_members(actor=request.user, segment=segment, text=text),
    )


def _list_change(request, segment, call):
    from django.contrib import messages

    try:
        _report(request, call())
    except DomainError as exc:
        messages.error(
            request, " ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message)
        )
    return redirect("marketing:segment", segment.pk)


@login_required
def list_pick(request, pk):
    """People found by a search, with checkboxes, to put onto a fixed list (htmx)."""
    segment = selectors.get_segment(request.user, pk, CHANGE)
    q = request.GET.get("q", "").strip()
    people = []
    if q:
        people = customer_selectors.list_people(
            request.user, customer_selectors.PersonFilters(q=q), size=20
        ).items
    return render(
        request, "marketing/partials/_pick.html", {"segment": segment, "people": people, "q": q}
    )
