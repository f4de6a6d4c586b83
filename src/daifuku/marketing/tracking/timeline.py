"""Opens and clicks on the person's 360° timeline: 「メール「秋の新茶のご案内」を開封しました」,
「メール「秋の新茶のご案内」のリンクをクリックしました」, and the purchases that followed —
under the campaign's name (its subject may hold merge fields; the A/B variants share the
name). A privacy proxy's fetch is not shown: the person did not read the mail."""

from __future__ import annotations

from django.utils.translation import gettext as _

from daifuku.accounts.permissions import restrict_to_customer
from daifuku.core.timeline import TimelineItem

from ..models import MailEvent, MailEventKind

SHOWN = (MailEventKind.OPEN, MailEventKind.CLICK, MailEventKind.CONVERSION)


def title(kind: str, subject: str) -> str:
    if kind == MailEventKind.OPEN:
        return _("Opened the mail “%(subject)s”") % {"subject": subject}
    if kind == MailEventKind.CLICK:
        return _("Clicked a link in the mail “%(subject)s”") % {"subject": subject}
    return _("Bought after the mail “%(subject)s”") % {"subject": subject}


def person_mail_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """The person's opens, clicks and conversions, newest first (one indexed query)."""
    rows = restrict_to_customer(MailEvent.objects.all(), user, subject, field="person").filter(
        kind__in=SHOWN
    )
    if before is not None:
        rows = rows.filter(at__lt=before)
    found = rows.order_by("-at", "-id").values(
        "pk", "kind", "at", "url", "revenue", "campaign__name"
    )[:limit]
    items = []
    for row in found:
        received = row["campaign__name"]
        body = row["url"] if row["kind"] == MailEventKind.CLICK else ""
        if row["kind"] == MailEventKind.CONVERSION and row["revenue"] is not None:
            body = f"¥{row['revenue']:,}"
        items.append(
            TimelineItem(
                at=row["at"],
                kind="mail",
                title=title(row["kind"], received),
                body=body,
                sort_id=row["pk"],
            )
        )
    return items
