"""The suppression list (配信除外): addresses no mail of this system goes to again — a hard
bounce, a spam complaint, a refusal of all mail, or an administrator's entry. Campaigns
leave them out (and count them), and the CRM's 1:1 mails are held back too, so one list
answers for every mail the system sends."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from daifuku.core.events import emit

from ..models import Suppression, SuppressionReason


def normalise(email: str) -> str:
    """The form addresses are stored and compared in (trimmed, lower-cased)."""
    return (email or "").strip().lower()


@transaction.atomic
def suppress(
    email: str,
    reason: str = SuppressionReason.MANUAL,
    *,
    delivery_id: int | None = None,
    note: str = "",
) -> tuple[Suppression, bool]:
    """Put ``email`` on the list (once; a later reason does not replace the first).
    Returns the row and whether it is new."""
    address = normalise(email)
    if not address:
        raise ValueError("an empty address cannot be suppressed")
    row, created = Suppression.objects.get_or_create(
        email=address,
        defaults={"reason": reason, "delivery_id": delivery_id, "note": note[:500]},
    )
    if created:
        emit("mail.suppressed", email=address, reason=reason, delivery_id=delivery_id)
    return row, created


@transaction.atomic
def unsuppress(email: str) -> bool:
    """Take ``email`` off the list (an administrator's decision); True when it was on it."""
    deleted, _ = Suppression.objects.filter(email=normalise(email)).delete()
    return bool(deleted)


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normalise(email)).exists()


def suppressed_among(emails: Iterable[str], *, chunk: int = 5000) -> set[str]:
    """The normalised addresses of ``emails`` that are on the list (set-based, chunked so
    a million-address audience is a few hundred queries, not a million)."""
    wanted = sorted({normalise(e) for e in emails if e})
    found: set[str] = set()
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        found.update(Suppression.objects.filter(email__in=part).values_list("email", flat=True))
    return found
