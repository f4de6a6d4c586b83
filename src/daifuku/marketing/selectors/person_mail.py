"""The 「メール配信」 panel of a person's page (the 360° view, slot ``person.top``): which
mail topics the person receives or refused on their preference page, and whether any of
their addresses is on the suppression list (bounce, complaint, refusal) — read-only, in
two small indexed queries. Only the person changes their topics (the preference page
linked from every mail); administrators manage the suppression list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from ..models import MailTopic, Suppression, SuppressionReason, TopicPreference


def _date(moment) -> str:
    return date_format(localtime(moment), "Y年n月j日") if moment else ""


def person_mail_panel(request, person) -> dict:
    """The panel's context (see the module's text): two queries, the topics with the
    person's choice and the addresses with their suppression."""
    from daifuku.customers.models import EmailAddress

    choice = TopicPreference.objects.filter(person=person, topic=OuterRef("pk"))
    topics = MailTopic.objects.order_by("sort_order", "id").annotate(
        chosen=Subquery(choice.values("subscribed")[:1]),
        changed=Subquery(choice.values("changed_at")[:1]),
    )
    rows = [
        {
            "name": topic.name,
            "state": "default" if topic.chosen is None else ("in" if topic.chosen else "out"),
            "changed": _date(topic.changed),
        }
        for topic in topics
    ]
    listed = Suppression.objects.filter(email=OuterRef("normalised"))
    addresses = list(
        EmailAddress.objects.filter(person=person)
        .exclude(address="")
        .annotate(normalised=Lower(Trim("address")))
        .annotate(
            reason=Subquery(listed.values("reason")[:1]),
            since=Subquery(listed.values("created_at")[:1]),
        )
        .values("normalised", "reason", "since")
        .order_by("id")
    )
    admin = bool(getattr(request.user, "is_admin", False))
    labels = dict(SuppressionReason.choices)
    suppressed = [
        {
            "email": a["normalised"],
            "reason": labels.get(a["reason"], a["reason"]),
            "since": _date(a["since"]),
            "url": reverse("marketing:suppressions") + "?" + urlencode({"q": a["normalised"]})
            if admin
            else "",
        }
        for a in addresses
        if a["reason"]
    ]
    return {"topics": rows, "suppressed": suppressed, "has_address": bool(addresses)}
