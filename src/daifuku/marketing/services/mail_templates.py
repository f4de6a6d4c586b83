"""Creating, changing and deleting mail templates. Every template is compiled here — the
sandbox's checks, unknown merge fields, syntax — so a template that is stored can be sent.
Marketers, managers and administrators write templates; everyone may read them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import check_version, is_user
from daifuku.core import audit
from daifuku.core.errors import PermissionDenied, ValidationFailed

from ..models import MailTemplate
from ..permissions import edits_every_segment
from ..templating import TemplateInvalid, compile_mail

FIELDS = ("name", "subject", "html", "text", "is_advertising")


def ensure_writes_mail(actor) -> None:
    """Templates and personas speak for the shop: marketers, managers, administrators."""
    if is_user(actor) and not edits_every_segment(actor):
        raise PermissionDenied(_("Only marketers, managers and administrators edit mail."))


def _clean(data: dict[str, Any], template: MailTemplate | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    current = {f: getattr(template, f) for f in FIELDS} if template else {}
    values = {**current, **{k: v for k, v in data.items() if k in FIELDS}}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the template a name.")]
    elif len(name) > 100:
        errors["name"] = [_("Use at most 100 characters.")]
    elif MailTemplate.objects.filter(name=name).exclude(pk=getattr(template, "pk", 0)).exists():
        errors["name"] = [_("Another template already has this name.")]
    subject = " ".join(str(values.get("subject") or "").split())
    if not subject:
        errors["subject"] = [_("Write a subject.")]
    elif len(subject) > 200:
        errors["subject"] = [_("Use at most 200 characters.")]
    html = str(values.get("html") or "")
    text = str(values.get("text") or "")
    if not html.strip() and not text.strip():
        errors["text"] = [_("Write an HTML body, a plain-text body or both.")]
    try:
        compile_mail(subject, html, text)
    except TemplateInvalid as exc:
        for part, messages in exc.errors.items():
            errors.setdefault(part, []).extend(messages)
    if errors:
        raise ValidationFailed(errors, code="template_invalid")
    return {
        "name": name,
        "subject": subject,
        "html": html,
        "text": text,
        "is_advertising": bool(values.get("is_advertising", True)),
    }


def create_template(*, actor, data: dict[str, Any]) -> MailTemplate:
    """Store a new mail template (checked and compilable)."""
    ensure_writes_mail(actor)
    values = _clean(data, None)
    with transaction.atomic():
        template = MailTemplate.objects.create(**values)
        audit.record(actor=actor, action="create", obj=template, changes={"name": values["name"]})
    return template


def update_template(
    *, actor, template: MailTemplate, data: dict[str, Any], expected_version: int | None = None
) -> MailTemplate:
    """Change a template (the version read must still be the current one)."""
    ensure_writes_mail(actor)
    check_version(template, expected_version)
    values = _clean(data, template)
    changed = {f: v for f, v in values.items() if getattr(template, f) != v}
    if not changed:
        return template
    with transaction.atomic():
        for field, value in changed.items():
            setattr(template, field, value)
        template.version += 1
        template.save()
        audit.record(actor=actor, action="update", obj=template, changes={f: "…" for f in changed})
    return template


def delete_template(*, actor, template: MailTemplate) -> None:
    """Delete a template; campaigns made from it keep their own copy of the text."""
    ensure_writes_mail(actor)
    with transaction.atomic():
        audit.record(actor=actor, action="delete", obj=template, changes={"name": template.name})
        template.delete()


def ensure_valid_address(address: str) -> str:
    """The one address a test send goes to, checked."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationFailed({"to": [_("Enter a valid e-mail address.")]}) from None
    return address


def send_test_mail(
    *, actor, subject: str, html: str, text: str, to: str, person=None, persona=None
) -> None:
    """Send the mail as ``person`` would receive it (merge fields, blocks, persona) to one
    address the user typed, through the configured e-mail backend, marked 【テスト】. The
    delivery engine's headers and legal footer are added to campaigns, not to this test."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.utils.translation import gettext as _

    from ..models import MailSettings
    from ..templating import context_for

    ensure_writes_mail(actor)
    address = ensure_valid_address(to)
    try:
        compiled = compile_mail(subject, html, text)
    except TemplateInvalid as exc:
        raise ValidationFailed(exc.errors, code="template_invalid") from None
    context = context_for(person, persona)
    mail = compiled.render(context)
    chosen = persona if persona is not None else _persona_of(context)
    sender = MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK).first()
    from_email = (
        (chosen.from_email if chosen is not None else "")
        or (sender.from_email if sender is not None else "")
        or settings.DEFAULT_FROM_EMAIL
    )
    from_name = (chosen.from_name if chosen is not None else "") or (
        sender.sender_name if sender is not None else ""
    )
    if from_name:
        from email.headerregistry import Address

        from_email = str(Address(display_name=from_name, addr_spec=from_email))
    message = EmailMultiAlternatives(
        subject=_("[TEST] %(subject)s") % {"subject": mail.subject},
        body=mail.text or _("(This mail has an HTML body only.)"),
        from_email=from_email,
        to=[address],
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    message.send()


def _persona_of(context: dict):
    from ..templating import choose_persona

    return choose_persona(context.get("age_band") or None)
