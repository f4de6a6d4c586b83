"""Sender personas (マーケティング → 送信者ペルソナ): list, add, change, delete after a
confirmation. Which persona a recipient gets: docs/mail-templates.md."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from daifuku.core.errors import DomainError
from daifuku.core.screens import done, run_service

from ..conditions.ledger import BAND_LABELS
from ..forms import PersonaForm
from ..selectors import mail_templates as selectors
from ..services import personas as services


@login_required
def persona_list(request):
    personas = selectors.list_personas(request.user)
    return render(
        request,
        "marketing/mail/persona_list.html",
        {
            "personas": [
                (p, [str(BAND_LABELS[b]) for b in p.age_bands or [] if b in BAND_LABELS])
                for p in personas
            ],
            "section": "personas",
        },
    )


def _data(form) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("photo", "clear_photo")}
    data["sort_order"] = data.get("sort_order") or 0
    return data


@login_required
def persona_create(request):
    form = PersonaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        persona = run_service(
            form,
            lambda: services.create_persona(
                actor=request.user, data=_data(form), photo=form.cleaned_data.get("photo")
            ),
        )
        if persona is not None:
            return done(request, _("The persona was saved."), "marketing:personas")
    return render(
        request, "marketing/mail/persona_form.html", {"form": form, "section": "personas"}
    )


@login_required
def persona_edit(request, pk):
    persona = selectors.get_persona(request.user, pk)
    initial = {f: getattr(persona, f) for f in services.FIELDS}
    form = PersonaForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.update_persona(
                actor=request.user,
                persona=persona,
                data=_data(form),
                photo=form.cleaned_data.get("photo"),
                clear_photo=bool(form.cleaned_data.get("clear_photo")),
            ),
        )
        if saved is not None:
            return done(request, _("The persona was saved."), "marketing:personas")
    return render(
        request,
        "marketing/mail/persona_form.html",
        {"form": form, "persona": persona, "section": "personas"},
    )


@login_required
def persona_delete(request, pk):
    """GET: the confirmation; POST: delete."""
    persona = selectors.get_persona(request.user, pk)
    if request.method == "POST":
        try:
            services.delete_persona(actor=request.user, persona=persona)
        except DomainError as exc:
            from django.contrib import messages

            messages.error(request, str(exc.message))
        else:
            return done(request, _("The persona was deleted."), "marketing:personas")
    return render(
        request,
        "marketing/mail/confirm_delete.html",
        {
            "section": "personas",
            "what": persona.name,
            "back": "marketing:personas",
            "question": _("Delete the sender persona 「%(name)s」?") % {"name": persona.name},
            "note": _("Campaigns that used it choose a persona by the rules again."),
        },
    )
