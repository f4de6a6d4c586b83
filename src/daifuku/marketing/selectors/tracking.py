"""Reads for the tracking pages the recipient sees (no account: nothing scoped)."""

from __future__ import annotations

from ..models import MailSettings


def sender_contact() -> dict[str, str]:
    """Who sent the mail and how to reach them, for the page a broken link shows."""
    row = (
        MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK)
        .values("sender_name", "contact")
        .first()
    )
    return {"name": row["sender_name"], "contact": row["contact"]} if row else {}
