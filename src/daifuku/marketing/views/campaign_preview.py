"""The campaign form's preview (メール配信の作成・編集): the mail as a chosen customer will
receive it, at desktop and phone widths, and a test send — the same panel as the template
editor, with what a campaign adds: the subject and bodies left empty come from the chosen
template (as the save copies them), and the chosen sender persona signs it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.core.errors import DomainError, ValidationFailed

from ..forms import TestSendForm
from ..selectors import campaigns as campaign_selectors
from ..selectors import mail_templates as selectors
from ..services import mail_templates as services
from .mail_templates import preview_of

PARTS = ("subject", "html", "text")


def _int(raw) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0


def mail_fields(data) -> dict[str, str]:
    """The subject and bodies the campaign would send: what was typed, and for a part left
    empty the chosen template's (the save copies them the same way)."""
    fields = {part: str(data.get(part) or "") for part in PARTS}
    pk = _int(data.get("template"))
    template = campaign_selectors.template_for_form(pk) if pk else None
    if template is not None:
        for part in PARTS:
            if not fields[part].strip():
                fields[part] = getattr(template, part)
    return fields


def chosen_persona(data):
    """The persona picked on the form; None: chosen by the recipient's age band."""
    pk = _int(data.get("persona"))
    return campaign_selectors.persona_for_form(pk) if pk else None


def preview_context(request, data) -> dict:
    """The preview panel's context for the form's current (or initial) values."""
    person = selectors.preview_person(request.user, data.get("person"))
    return {
        "preview": preview_of(mail_fields(data), person, chosen_persona(data)),
        "person": person,
        "test_form": TestSendForm(),
    }


@login_required
@require_POST
def campaign_preview(request):
    """The live preview (htmx): the campaign form's current fields as the chosen customer."""
    return render(
        request, "marketing/mail/partials/_preview.html", preview_context(request, request.POST)
    )


@login_required
@require_POST
def campaign_test_send(request):
    """Send the campaign form's current mail, as the chosen customer, to the address typed."""
    form = TestSendForm(request.POST)
    person = selectors.preview_person(request.user, request.POST.get("person"))
    sent = False
    if form.is_valid():
        try:
            services.send_test_mail(
                actor=request.user,
                to=form.cleaned_data["to"],
                person=person,
                persona=chosen_persona(request.POST),
                **mail_fields(request.POST),
            )
            sent = True
        except ValidationFailed as exc:
            if "to" in exc.errors:
                form.apply_errors(exc)
            else:
                form.add_error(None, _("Correct the mail first: see the preview."))
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        except OSError as exc:  # the mail server refused or is unreachable
            form.add_error(
                None, _("The mail server did not accept the mail: %(error)s") % {"error": exc}
            )
    return render(
        request,
        "marketing/mail/partials/_test_send.html",
        {"test_form": form, "sent": sent, "to": form.cleaned_data.get("to") if sent else ""},
    )
