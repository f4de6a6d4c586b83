"""Quick entry, touch edit/delete, attachment downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE, DELETE
from daifuku.core.screens import run_service, safe_next

from .. import selectors, services, subjects
from ..forms import QuickEntryForm, TouchForm
from .common import customer_from


def _back(person, company) -> str:
    if person is not None:
        return reverse("customers:person", args=[person.pk])
    if company is not None:
        return reverse("customers:company", args=[company.pk])
    return reverse("activities:home")


@login_required
def quick_entry(request):
    """Log a touch (with photos) and set the next action in one phone-friendly form.
    ``?action=ID`` comes from completing a next action: it is closed with this touch."""
    source = request.POST if request.method == "POST" else request.GET
    completing = None
    if source.get("action"):
        completing = selectors.get_next_action(request.user, source.get("action"), CHANGE)
        person, company = completing.person, completing.company
    else:
        person, company = customer_from(request, source)
    initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    if completing is not None:
        initial.update({"kind": completing.kind or "visit", "summary": completing.title})
    form = QuickEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and (person or company) and form.is_valid():
        result = run_service(
            form,
            lambda: services.quick_entry(
                actor=request.user,
                touch_data=form.touch_data(),
                person=person,
                company=company,
                files=request.FILES.getlist("files"),
                next_action_data=form.next_action_data(),
                complete=completing,
            ),
        )
        if result:
            messages.success(request, _("The touch was logged."))
            return redirect(safe_next(request, _back(person, company)))
    elif request.method == "POST" and not (person or company):
        form.add_error(None, _("Choose the customer first."))
    return render(
        request,
        "activities/quick_entry.html",
        {
            "form": form,
            "person": person,
            "company": company,
            "completing": completing,
            "next": source.get("next", ""),
            "back": _back(person, company),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def touch_detail(request, pk: int):
    touch = selectors.get_touch(request.user, pk)
    return render(
        request,
        "activities/touch_detail.html",
        {
            "touch": touch,
            "attachments": list(touch.attachments.all()),
            "can_change": selectors.touches_queryset(request.user, CHANGE)
            .filter(pk=touch.pk)
            .exists(),
            "subject": subjects.shown(request.user, touch.subject_type, touch.subject_id),
        },
    )


@login_required
def touch_edit(request, pk: int):
    touch = selectors.get_touch(request.user, pk, CHANGE)
    initial = {
        f: getattr(touch, f)
        for f in (
            "kind",
            "duration_minutes",
            "summary",
            "body",
            "outcome",
            "mood",
            "follow_up",
            "is_private",
        )
    }
    initial["occurred_at"] = timezone.localtime(touch.occurred_at)
    form = TouchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def save():
            updated = services.update_touch(actor=request.user, touch=touch, data=form.touch_data())
            for upload in request.FILES.getlist("files"):
                services.add_attachment(actor=request.user, touch=updated, upload=upload)
            return updated

        if run_service(form, save):
            messages.success(request, _("Saved."))
            return redirect("activities:touch", touch.pk)
    return render(
        request,
        "activities/touch_form.html",
        {"form": form, "touch": touch, "attachments": list(touch.attachments.all())},
    )


@login_required
@require_POST
def touch_delete(request, pk: int):
    touch = selectors.get_touch(request.user, pk, DELETE)
    back = _back(touch.person, touch.company)
    services.delete_touch(actor=request.user, touch=touch)
    messages.success(request, _("The touch was deleted."))
    return redirect(back)


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = selectors.get_attachment(request.user, pk)
    touch = selectors.get_touch(request.user, attachment.touch_id, CHANGE)
    services.remove_attachment(actor=request.user, attachment=attachment)
    return redirect("activities:touch-edit", touch.pk)


def attachment_response(attachment, *, thumbnail: bool = False) -> FileResponse:
    """A stored file as a download that no browser will render or sniff: the type we
    proved at upload, ``nosniff``, ``attachment`` disposition and a sandboxing CSP."""
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field or not field.name:
        raise Http404
    try:
        handle = field.storage.open(field.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = "image/jpeg" if thumbnail else attachment.content_type
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def attachment_download(request, pk: int):
    return attachment_response(selectors.get_attachment(request.user, pk))


@login_required
def attachment_thumbnail(request, pk: int):
    return attachment_response(selectors.get_attachment(request.user, pk), thumbnail=True)
