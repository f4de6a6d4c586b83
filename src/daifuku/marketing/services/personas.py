"""Sender personas (seed 003): who a mail is from, chosen by the recipient's age band.

Exactly one persona is the default once there is any: the first one created becomes the
default, marking another as default moves the mark, and deleting the default hands it to
the first remaining persona. An age band belongs to one persona at most, so the choice is
never ambiguous."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import AGE_BANDS

from ..models import Persona
from .mail_templates import ensure_writes_mail

FIELDS = (
    "name",
    "from_name",
    "from_email",
    "signature_text",
    "signature_html",
    "age_bands",
    "is_default",
    "sort_order",
)


def _clean(data: dict[str, Any], persona: Persona | None) -> dict[str, Any]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    errors: dict[str, list[str]] = {}
    current = {f: getattr(persona, f) for f in FIELDS} if persona else {}
    values = {**current, **{k: v for k, v in data.items() if k in FIELDS}}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the persona a name.")]
    elif Persona.objects.filter(name=name).exclude(pk=getattr(persona, "pk", 0)).exists():
        errors["name"] = [_("Another persona already has this name.")]
    from_name = str(values.get("from_name") or "").strip()
    if not from_name:
        errors["from_name"] = [_("Write the sender name recipients see.")]
    from_email = str(values.get("from_email") or "").strip()
    if from_email:
        try:
            validate_email(from_email)
        except ValidationError:
            errors["from_email"] = [_("Enter a valid e-mail address.")]
    bands = list(dict.fromkeys(values.get("age_bands") or []))
    if any(b not in AGE_BANDS for b in bands):
        errors["age_bands"] = [_("Choose age bands from the list.")]
    else:
        taken = {
            band: other.name
            for other in Persona.objects.exclude(pk=getattr(persona, "pk", 0))
            for band in other.age_bands or []
        }
        clash = [taken[b] for b in bands if b in taken]
        if clash:
            errors["age_bands"] = [
                _("An age band belongs to one persona only; already chosen by %(names)s.")
                % {"names": "、".join(sorted(set(clash)))}
            ]
    # a signature is inserted as it is written, never run as a template
    signature_html = str(values.get("signature_html") or "")
    if errors:
        raise ValidationFailed(errors)
    return {
        "name": name,
        "from_name": from_name,
        "from_email": from_email,
        "signature_text": str(values.get("signature_text") or ""),
        "signature_html": signature_html,
        "age_bands": [b for b in AGE_BANDS if b in bands],
        "is_default": bool(values.get("is_default")),
        "sort_order": int(values.get("sort_order") or 0),
    }


def _one_default(persona: Persona, wanted: bool) -> None:
    others = Persona.objects.exclude(pk=persona.pk)
    if wanted:
        others.filter(is_default=True).update(is_default=False)
    elif not others.filter(is_default=True).exists():
        persona.is_default = True  # there must be one; the first stays it


def create_persona(*, actor, data: dict[str, Any], photo=None) -> Persona:
    """Add a sender persona (the first one becomes the default)."""
    ensure_writes_mail(actor)
    values = _clean(data, None)
    with transaction.atomic():
        persona = Persona(**values)
        if photo is not None:
            persona.photo = photo
        _one_default(persona, values["is_default"])
        persona.save()
        audit.record(actor=actor, action="create", obj=persona, changes={"name": persona.name})
    return persona


def update_persona(
    *, actor, persona: Persona, data: dict[str, Any], photo=None, clear_photo: bool = False
) -> Persona:
    """Change a persona; marking it default takes the mark from the previous default."""
    ensure_writes_mail(actor)
    values = _clean(data, persona)
    with transaction.atomic():
        for field, value in values.items():
            setattr(persona, field, value)
        if clear_photo:
            persona.photo = None
        if photo is not None:
            persona.photo = photo
        _one_default(persona, values["is_default"])
        persona.save()
        audit.record(actor=actor, action="update", obj=persona, changes={"name": persona.name})
    return persona


def delete_persona(*, actor, persona: Persona) -> None:
    """Remove a persona; campaigns that used it fall back to the rules. When it was the
    default, the first remaining persona becomes the default."""
    ensure_writes_mail(actor)
    with transaction.atomic():
        was_default = persona.is_default
        audit.record(actor=actor, action="delete", obj=persona, changes={"name": persona.name})
        persona.delete()
        if was_default:
            heir = Persona.objects.order_by("sort_order", "id").first()
            if heir is not None:
                Persona.objects.filter(pk=heir.pk).update(is_default=True)
