"""The 「メール配信」 panel of a person's page (the 360° view, slot ``person.top``): which
mail topics the person receives or refused on their preference page, and whether any of
their addresses is on the suppression list (bounce, complaint, refusal) — read-only, in
at most four small indexed queries. Only the person changes their topics (the preference page
linked from every mail); administrators manage the suppression list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from ..models import MailTopic, Suppression, TopicPreference


def _date(moment) -> str:
    return date_format(localtime(moment), "Y年n月j日") if moment else ""


def person_mail_panel(request, person) -> dict:
    """The panel's context (see the module's text)."""
    topics = list(MailTopic.objects.order_by("sort_order", "id"))
    preferences = TopicPreference.objects.filter(person=person).only(
        "topic_id", "subscribed", "changed_at"
    )
    chosen = {p.topic_id: p for p in preferences} if topics else {}
    rows = []
    for topic in topics:
        preference = chosen.get(topic.pk)
        rows.append(
            {
                "name": topic.name,
                "state": "default"
                if preference is None
                else ("in" if preference.subscribed else "out"),  # fmt: skip
                "changed": _date(preference.changed_at) if preference else "",
            }
        )
    addresses = [e.address.strip().lower() for e in person.emails.all() if e.address]
    suppressed = [
        {
            "email": s.email,
            "reason": s.get_reason_display(),
            "since": _date(s.created_at),
            "url": reverse("marketing:suppressions") + "?" + urlencode({"q": s.email})
            if getattr(request.user, "is_admin", False)
            else "",
        }
        for s in Suppression.objects.filter(email__in=addresses).order_by("created_at")
    ] if addresses else []  # fmt: skip
    return {
        "topics": rows,
        "suppressed": suppressed,
        "has_address": bool(addresses),
    }
