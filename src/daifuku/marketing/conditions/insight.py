"""Conditions on what analytics knows of a person (rank, RFM scores, LTV, predicted CLV —
read from its snapshot table, so a condition is one indexed subquery however many orders
there are) and on what the person did on the web site (behaviour's events, once the
visitor is known to be that person)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from daifuku.analytics.models import CustomerMetrics, RankRule
from daifuku.behaviour.models import Event
from daifuku.behaviour.models.events import EventKind
from daifuku.commerce.models import Product

from .activity import MAX_YEN, start_of
from .ledger import CHOICE_OPS, NUMBER_OPS, on_values
from .registry import (
    CHOICE,
    CONTAINS,
    EQ,
    GTE,
    IS_SET,
    LTE,
    NE,
    NOT_SET,
    NUMBER,
    TEXT,
    Condition,
    Context,
    Field,
    register,
)


def _snapshot() -> QuerySet:
    return CustomerMetrics.objects.filter(person__isnull=False)


def _compare(rows: QuerySet, column: str, condition: Condition, *, missing_is_zero: bool) -> Q:
    """People whose ``column`` in the snapshot compares to the value. ``missing_is_zero``:
    a person without a value has 0 (LTV of someone who never bought); otherwise the value
    is unknown and only "is not" includes them (as for an unknown age)."""
    value = condition.value
    op = condition.op
    lookup = {EQ: column, NE: column, GTE: f"{column}__gte", LTE: f"{column}__lte"}[op]
    meeting = rows.filter(**{lookup: value}) if op != NE else rows.filter(**{column: value})
    if op == NE:
        # "not v": everyone except those whose value is v (and, if missing counts as 0,
        # except the people without a row when v is 0)
        excluded = Q(pk__in=meeting.values("person_id"))
        if missing_is_zero and value == 0:
            excluded |= ~Q(pk__in=rows.values("person_id"))
        return ~excluded
    found = Q(pk__in=meeting.values("person_id"))
    zero_holds = {EQ: value == 0, GTE: value <= 0, LTE: value >= 0}[op]  # type: ignore[operator]
    if missing_is_zero and zero_holds:
        found |= ~Q(pk__in=rows.values("person_id"))
    return found


def _rank(condition: Condition, context: Context) -> Q:
    ranked = _snapshot().filter(rank__isnull=False)
    if condition.op == IS_SET:
        return Q(pk__in=ranked.values("person_id"))
    if condition.op == NOT_SET:
        return ~Q(pk__in=ranked.values("person_id"))
    if condition.op in (GTE, LTE):  # ranks in their order (priority: ゴールド above シルバー)
        priority = RankRule.objects.filter(name=condition.value).values("priority")
        lookup = "rank__priority__gte" if condition.op == GTE else "rank__priority__lte"
        return Q(pk__in=ranked.filter(**{lookup: priority[:1]}).values("person_id"))
    return on_values(
        condition,
        lambda names: Q(pk__in=ranked.filter(rank__name__in=names).values("person_id")),
    )


def _ranks() -> list[tuple[object, str]]:
    return [(name, name) for name in RankRule.objects.values_list("name", flat=True)]


def _score(column: str):
    def compile_score(condition: Condition, context: Context) -> Q:
        scored = _snapshot().filter(order_count__gt=0)
        return _compare(scored, column, condition, missing_is_zero=False)

    return compile_score


def _ltv(condition: Condition, context: Context) -> Q:
    return _compare(_snapshot(), "ltv", condition, missing_is_zero=True)


def _predicted_clv(condition: Condition, context: Context) -> Q:
    predicted = _snapshot().filter(predicted_clv__isnull=False)
    if condition.op == IS_SET:
        return Q(pk__in=predicted.values("person_id"))
    if condition.op == NOT_SET:
        return ~Q(pk__in=predicted.values("person_id"))
    return _compare(predicted, "predicted_clv", condition, missing_is_zero=False)


RFM_HELP = _("1 to 5; 5 is the best fifth of the buyers. People who never bought have no score.")

register(
    Field(
        "rank",
        _("Rank"),
        "analytics",
        CHOICE,
        (*CHOICE_OPS, GTE, LTE, IS_SET, NOT_SET),
        _rank,
        choices=_ranks,
        help=_(
            "「at least」 / 「at most」 follow the ranks' order; "
            "「is not recorded」 selects the people without a rank."
        ),
    )
)
for _key, _label, _column in (
    ("rfm_r", _("RFM: recency score (R)"), "rfm_r"),
    ("rfm_f", _("RFM: frequency score (F)"), "rfm_f"),
    ("rfm_m", _("RFM: monetary score (M)"), "rfm_m"),
):
    register(
        Field(
            _key,
            _label,
            "analytics",
            NUMBER,
            NUMBER_OPS,
            _score(_column),
            minimum=1,
            maximum=5,
            help=RFM_HELP,
            calendar=True,  # the nightly rebuild moves the quintiles: no event per person
        )
    )
register(
    Field(
        "ltv",
        _("LTV (yen)"),
        "analytics",
        NUMBER,
        NUMBER_OPS,
        _ltv,
        minimum=0,
        maximum=MAX_YEN,
        unit=_("yen"),
        help=_("Average order value × number of purchases, net of returns."),
    )
)
register(
    Field(
        "predicted_clv",
        _("Predicted CLV, next 12 months (yen)"),
        "analytics",
        NUMBER,
        (*NUMBER_OPS, IS_SET, NOT_SET),
        _predicted_clv,
        minimum=0,
        maximum=MAX_YEN,
        unit=_("yen"),
        help=_("Known once the CLV model has been fitted."),
    )
)


# --- web behaviour ----------------------------------------------------------------------


def _events(kind: str, condition: Condition, context: Context) -> QuerySet:
    """The person's events of ``kind`` (only once the visitor is known to be them),
    within the condition's last N days."""
    rows = Event.objects.filter(kind=kind, person__isnull=False)
    if condition.period_days:
        since = start_of(context.today - dt.timedelta(condition.period_days))
        rows = rows.filter(occurred_at__gte=since)
    return rows


def _visited_page(condition: Condition, context: Context) -> Q:
    rows = _events(EventKind.PAGE_VIEW, condition, context)
    return Q(pk__in=rows.filter(url__icontains=condition.value).values("person_id"))


def _searched(condition: Condition, context: Context) -> Q:
    rows = _events(EventKind.SEARCH, condition, context)
    return Q(pk__in=rows.filter(query__icontains=condition.value).values("person_id"))


def _viewed_product(condition: Condition, context: Context) -> Q:
    rows = _events(EventKind.PRODUCT_VIEW, condition, context)
    return on_values(
        condition, lambda codes: Q(pk__in=rows.filter(sku__in=codes).values("person_id"))
    )


def _product_codes() -> list[tuple[object, str]]:
    return [
        (code, f"{name}（{code}）")
        for code, name in Product.objects.order_by("code").values_list("code", "name")
    ]


WITHIN_HELP = _(
    "Counts what the person did once the site knew who they were (log-in, form, mail click). "
    "Leave the period empty for all the events kept."
)

register(
    Field(
        "visited_page",
        _("Visited a page whose address contains"),
        "behaviour",
        TEXT,
        (CONTAINS,),
        _visited_page,
        period=True,
        help=WITHIN_HELP,
    )
)
register(
    Field(
        "viewed_product",
        _("Viewed a product"),
        "behaviour",
        CHOICE,
        CHOICE_OPS,
        _viewed_product,
        choices=_product_codes,
        period=True,
        help=WITHIN_HELP,
    )
)
register(
    Field(
        "searched",
        _("Searched the site for words containing"),
        "behaviour",
        TEXT,
        (CONTAINS,),
        _searched,
        period=True,
        help=WITHIN_HELP,
    )
)
