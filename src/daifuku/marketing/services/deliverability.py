"""DKIM settings: an administrator generates the key pair the mail is signed with (the
private half stays in MailSettings, the public half is published in DNS), or turns
signing off. The sender identity itself is the sender settings' service."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import is_user
from daifuku.core import audit
from daifuku.core.errors import PermissionDenied, ValidationFailed

from ..feedback import signing
from ..models import MailSettings


def _require_admin(actor) -> None:
    if is_user(actor) and not actor.is_admin:
        raise PermissionDenied(_("Only administrators can change how mail is signed."))


def _settings_row() -> MailSettings:
    row, _created = MailSettings.objects.select_for_update().get_or_create(
        pk=MailSettings.SINGLETON_PK
    )
    return row


@transaction.atomic
def generate_dkim_key(*, actor, domain: str, selector: str, bits: int = 2048) -> MailSettings:
    """Make a new key pair for ``selector._domainkey.domain`` and sign with it from now
    on. The old key stops signing at once: publish the new record before sending."""
    _require_admin(actor)
    domain = (domain or "").strip().lower().rstrip(".")
    selector = (selector or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not signing.DOMAIN_RE.match(domain):
        errors["domain"] = [_("Enter a domain name such as example.jp.")]
    if not signing.SELECTOR_RE.match(selector):
        errors["selector"] = [_("Use letters, digits and hyphens only, e.g. daifuku2026.")]
    if errors:
        raise ValidationFailed(errors)
    row = _settings_row()
    before = {"dkim_domain": row.dkim_domain, "dkim_selector": row.dkim_selector}
    row.dkim_domain = domain
    row.dkim_selector = selector
    row.dkim_private_key = signing.generate_key(bits)
    row.version += 1
    row.updated_at = timezone.now()
    row.save()
    audit.record(
        actor=actor,
        action="dkim_key",
        obj=row,
        changes={
            "dkim_domain": [before["dkim_domain"], domain],
            "dkim_selector": [before["dkim_selector"], selector],
            "dkim_private_key": ["…", _("new key")],
        },
    )
    signing.forget()
    return row


@transaction.atomic
def turn_off_dkim(*, actor) -> MailSettings:
    """Stop signing (the key is forgotten; a new one is generated to sign again)."""
    _require_admin(actor)
    row = _settings_row()
    before = [row.dkim_domain, row.dkim_selector]
    row.dkim_domain = row.dkim_selector = row.dkim_private_key = ""
    row.version += 1
    row.updated_at = timezone.now()
    row.save()
    audit.record(actor=actor, action="dkim_off", obj=row, changes={"dkim": [" ".join(before), ""]})
    signing.forget()
    return row
