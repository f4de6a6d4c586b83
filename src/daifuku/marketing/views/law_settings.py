"""設定 → メール配信 (the sender identity advertising mail shows, the mail topics) and
設定 → 配信除外アドレス (the suppression list). Administrators only, like the other settings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.core.errors import DomainError
from daifuku.core.screens import done, run_service

from ..forms_law import SenderForm, SuppressionForm, TopicForm
from ..mailing.law import footer_text
from ..selectors import law as law_selectors
from ..selectors.sender import mail_settings, organization_fallbacks, sender_identity
from ..services.sender import update_sender_settings
from ..services.suppression_admin import add_suppression, remove_suppression
from ..services.topics import create_topic, delete_topic, update_topic


def _admin(request) -> None:
    if not request.user.is_admin:
        raise Http404  # not offered to others, like the other admin-only settings


@login_required
def sender_settings(request):
    _admin(request)
    row = mail_settings()
    if request.method == "POST":
        form = SenderForm(request.POST)
        if form.is_valid() and run_service(
            form,
            lambda: update_sender_settings(
                actor=request.user,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version"),
            ),
        ):
            return done(
                request, _("The mail sender settings were saved."), "marketing:sender-settings"
            )
    else:
        form = _sender_form(row)
    fallback = organization_fallbacks()
    for name, key in (
        ("sender_name", "name"),
        ("postal_address", "postal_address"),
        ("contact", "contact"),
    ):
        if fallback[key]:
            form.fields[name].widget.attrs["placeholder"] = fallback[key]
    return render(
        request,
        "marketing/law/sender.html",
        {
            "form": form,
            "identity": sender_identity(),
            "fallback": fallback,
            "footer": _footer_preview(),
            "topics": law_selectors.topics(),
            "topic_form": TopicForm(),
        },
    )


def _sender_form(row) -> SenderForm:
    return SenderForm(
        initial={
            "version": row.version,
            "sender_name": row.sender_name,
            "postal_address": row.postal_address,
            "contact": row.contact,
            "from_email": row.from_email,
            "reply_to": row.reply_to,
            "unsubscribe_email": row.unsubscribe_email,
            "under_order": row.under_order,
        }
    )


def _footer_preview() -> str:
    """The plain-text footer as a recipient would read it (with an example link)."""
    from django.conf import settings
    from django.utils import translation

    from .. import unsubscribe

    with translation.override(settings.LANGUAGE_CODE):  # mails are always in Japanese
        return footer_text(sender_identity(), unsubscribe.base_url() + "/m/u/…").strip("\n")


@login_required
@require_POST
def topic_create(request):
    _admin(request)
    form = TopicForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: create_topic(actor=request.user, data=form.cleaned_data)
    ):
        return done(request, _("The topic was added."), "marketing:sender-settings")
    return render(
        request,
        "marketing/law/sender.html",
        {
            "form": _sender_form(mail_settings()),  # the saved values, not empty fields
            "identity": sender_identity(),
            "fallback": organization_fallbacks(),
            "topics": law_selectors.topics(),
            "topic_form": form,
        },
        status=422,
    )


@login_required
def topic_edit(request, pk: int):
    _admin(request)
    topic = law_selectors.topic(pk)
    if topic is None:
        raise Http404
    if request.method == "POST":
        form = TopicForm(request.POST)
        if form.is_valid() and run_service(
            form, lambda: update_topic(actor=request.user, topic=topic, data=form.cleaned_data)
        ):
            return done(request, _("The topic was saved."), "marketing:sender-settings")
    else:
        form = TopicForm(
            initial={"name": topic.name, "key": topic.key, "description": topic.description}
        )
    return render(request, "marketing/law/topic_form.html", {"form": form, "topic": topic})


@login_required
@require_POST
def topic_delete(request, pk: int):
    _admin(request)
    topic = law_selectors.topic(pk)
    if topic is None:
        raise Http404
    try:
        delete_topic(actor=request.user, topic=topic)
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, str(exc.message))
        return redirect("marketing:sender-settings")
    return done(request, _("The topic was deleted."), "marketing:sender-settings")


@login_required
def suppression_list(request):
    _admin(request)
    form = SuppressionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: add_suppression(
                actor=request.user,
                email=form.cleaned_data["email"],
                note=form.cleaned_data.get("note") or "",
            ),
        )
    ):
        return done(
            request, _("The address was added to the suppression list."), "marketing:suppressions"
        )
    query = request.GET.get("q", "")
    page = Paginator(law_selectors.suppressions(query), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "marketing/law/suppressions.html",
        {"form": form, "page": page, "q": query},
        status=422 if form.errors else 200,
    )


@login_required
def suppression_remove(request, pk: int):
    """GET asks "really?", POST takes the address off the list."""
    _admin(request)
    row = law_selectors.suppression(pk)
    if row is None:
        raise Http404
    if request.method == "POST":
        remove_suppression(actor=request.user, email=row.email)
        return done(
            request,
            _("%(email)s was taken off the suppression list.") % {"email": row.email},
            "marketing:suppressions",
        )
    return render(request, "marketing/law/suppression_remove.html", {"row": row})
