"""Conditions on what a person did with the mails sent to them: opened or clicked a given
campaign, or any mail, optionally within the last N days. An open is a person's (a privacy
proxy's fetch does not count; a click counts as an open); each is a subquery on the mail
events, indexed by campaign or by person."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import Campaign, MailEvent, MailEventKind
from .activity import start_of
from .ledger import CHOICE_OPS, on_values
from .registry import CHOICE, EQ, Condition, Context, Field, register

CAMPAIGN_CHOICES = 200


def _events(kind: str, condition: Condition, context: Context) -> QuerySet:
    rows = MailEvent.objects.filter(kind=kind, person__isnull=False)
    if condition.period_days:
        rows = rows.filter(at__gte=start_of(context.today - dt.timedelta(condition.period_days)))
    return rows


def _campaign(kind: str):
    def compile_campaign(condition: Condition, context: Context) -> Q:
        rows = _events(kind, condition, context)
        return on_values(
            condition,
            lambda ids: Q(pk__in=rows.filter(campaign_id__in=ids).values("person_id")),
        )

    return compile_campaign


def _any(kind: str):
    def compile_any(condition: Condition, context: Context) -> Q:
        found = Q(pk__in=_events(kind, condition, context).values("person_id"))
        return found if condition.value == "yes" else ~found

    return compile_any


def _campaigns() -> list[tuple[object, str]]:
    """The newest campaigns (by id) — the builder's choices and what a rule may name."""
    return list(Campaign.objects.order_by("-id").values_list("pk", "name")[:CAMPAIGN_CHOICES])


def _yes_no() -> list[tuple[object, str]]:
    return [("yes", str(_("Yes"))), ("no", str(_("No")))]


MAIL_HELP = _(
    "An open is counted when the person's mail program shows the images or the person clicks; "
    "a privacy proxy's fetch is not an open. Leave the period empty for all time."
)

register(Field("opened_campaign", _("Opened the campaign mail"), "mail", CHOICE, CHOICE_OPS, _campaign(MailEventKind.OPEN), choices=_campaigns, period=True, help=MAIL_HELP))  # fmt: skip
register(Field("clicked_campaign", _("Clicked a link in the campaign mail"), "mail", CHOICE, CHOICE_OPS, _campaign(MailEventKind.CLICK), choices=_campaigns, period=True, help=MAIL_HELP))  # fmt: skip
register(Field("opened_any_mail", _("Opened any mail"), "mail", CHOICE, (EQ,), _any(MailEventKind.OPEN), choices=_yes_no, period=True, help=MAIL_HELP))  # fmt: skip
register(Field("clicked_any_mail", _("Clicked a link in any mail"), "mail", CHOICE, (EQ,), _any(MailEventKind.CLICK), choices=_yes_no, period=True, help=MAIL_HELP))  # fmt: skip
