"""Who advertising mail says it is from (特定電子メール法 第4条): the sender settings of
設定 → メール配信, each empty field filled from the organisation profile (自社情報) — the
company name, its address and its inquiry contact — so a business that filled in its
profile once has a complete sender identity."""

from __future__ import annotations

from dataclasses import dataclass, field

from daifuku.accounts.selectors_organization import organization_profile

from ..models import MailSettings

MAIL = "mail"  # the value comes from the mail settings
ORGANIZATION = "organization"  # … from the organisation profile


def mail_settings() -> MailSettings:
    """The one settings row; an unsaved default until an administrator saves it."""
    found = MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK).first()
    return found if found is not None else MailSettings(pk=MailSettings.SINGLETON_PK)


@dataclass(frozen=True)
class SenderIdentity:
    """The values shown in (and checked before) every advertising mail. ``sources`` says
    for each of ``name``, ``postal_address``, ``contact`` where the value came from
    (:data:`MAIL`, :data:`ORGANIZATION`, or missing)."""

    name: str
    postal_address: str
    contact: str
    from_email: str
    reply_to: str
    unsubscribe_email: str
    sources: dict[str, str] = field(default_factory=dict)


def organization_fallbacks() -> dict[str, str]:
    """What the organisation profile offers for the sender fields left empty."""
    profile = organization_profile()
    address = " ".join(p for p in (profile.postal_code_display, profile.address) if p).strip()
    contact = " ".join(
        p for p in (profile.inquiry_contact, profile.inquiry_phone, profile.inquiry_email) if p
    ).strip()
    return {"name": profile.name, "postal_address": address, "contact": contact}


def sender_identity(settings_row: MailSettings | None = None) -> SenderIdentity:
    row = settings_row if settings_row is not None else mail_settings()
    fallback = organization_fallbacks()
    own = {"name": row.sender_name, "postal_address": row.postal_address, "contact": row.contact}
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key, value in own.items():
        if value.strip():
            values[key], sources[key] = value.strip(), MAIL
        elif fallback[key]:
            values[key], sources[key] = fallback[key], ORGANIZATION
        else:
            values[key], sources[key] = "", ""
    return SenderIdentity(
        name=values["name"],
        postal_address=values["postal_address"],
        contact=values["contact"],
        from_email=row.from_email,
        reply_to=row.reply_to,
        unsubscribe_email=row.unsubscribe_email or row.from_email,
        sources=sources,
    )


def sender_context(identity: SenderIdentity | None = None) -> dict[str, str]:
    """Merge fields for a template that writes its own legal footer."""
    who = identity or sender_identity()
    return {
        "sender_name": who.name,
        "sender_address": who.postal_address,
        "sender_contact": who.contact,
    }
