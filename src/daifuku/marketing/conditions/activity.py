"""Conditions on what a person did with the business: purchases (commerce's orders, net
of returns), touches (activities), deals (sales) — each a subquery on its own table, so a
person appears once however many rows they have. The purchase conditions without a
period read analytics' per-customer snapshot instead of grouping every order
(:mod:`.snapshot`); with a period they group that period's orders."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from daifuku.activities.models import Touch
from daifuku.activities.models.touches import TouchKind
from daifuku.commerce.maths.currency import HOME
from daifuku.commerce.models import Order, OrderLine, Product
from daifuku.sales.models import Deal, Stage
from daifuku.sales.models.deals import DealStatus

from . import snapshot
from .ledger import CHOICE_OPS, NUMBER_OPS, on_values
from .registry import (
    CHOICE,
    EQ,
    GTE,
    IS_SET,
    LTE,
    NE,
    NOT_SET,
    NUMBER,
    Condition,
    Context,
    Field,
    register,
)

MAX_COUNT = 1_000_000
MAX_YEN = 10**13


start_of = snapshot.start_of


def counted_orders(condition: Condition | None = None, context: Context | None = None) -> QuerySet:
    """People's purchases, within the condition's period: analytics' definition (its
    snapshot counts the same, docs/analytics.md) — an order in yen whose total after
    returns is above zero. A cancelled or wholly returned order is none; a partly returned
    one counts, its amount net of the return; an order in another currency is left out
    (its amounts are not yen)."""
    qs = Order.objects.filter(person__isnull=False, currency=HOME, net_total__gt=0)
    if condition is not None and context is not None and condition.period_days:
        qs = qs.filter(
            ordered_at__gte=start_of(context.today - dt.timedelta(condition.period_days))
        )
    return qs


def _holds(op: str, number: int, value: int) -> bool:
    return {EQ: number == value, NE: number != value, GTE: number >= value, LTE: number <= value}[
        op
    ]


def aggregate(rows: QuerySet, total, condition: Condition) -> Q:
    """People whose aggregate ``total`` over their ``rows`` compares to the value; a person
    with no rows has 0 (so "at most 1 purchase" includes people who never bought)."""
    value = condition.value
    grouped = rows.values("person_id").annotate(n=total)
    lookup = {EQ: "n", NE: "n", GTE: "n__gte", LTE: "n__lte"}[condition.op]
    holds, fails = (
        (grouped.exclude, grouped.filter)
        if condition.op == NE
        else (grouped.filter, grouped.exclude)
    )
    if _holds(condition.op, 0, value):  # type: ignore[arg-type]  # validated: a number
        # people without rows meet it: everyone but those whose rows fail it
        return ~Q(pk__in=fails(**{lookup: value}).values("person_id"))
    return Q(pk__in=holds(**{lookup: value}).values("person_id"))


def days_since(rows: QuerySet, when: str, condition: Condition, context: Context) -> Q:
    """People whose latest row (``when``, a datetime) is ``value`` days ago or more / less,
    in days of Japan; ``is_set`` / ``not_set``: they have a row at all / none."""
    anyone = Q(pk__in=rows.values("person_id"))
    if condition.op == IS_SET:
        return anyone
    if condition.op == NOT_SET:
        return ~anyone
    value: int = condition.value  # type: ignore[assignment]  # validated: a number
    day = context.today - dt.timedelta(days=value)
    since = Q(pk__in=rows.filter(**{f"{when}__gte": start_of(day)}).values("person_id"))
    after = Q(
        pk__in=rows.filter(**{f"{when}__gte": start_of(day + dt.timedelta(1))}).values("person_id")
    )
    if condition.op == LTE:
        return since
    if condition.op == GTE:
        return anyone & ~after
    exact = since & ~after
    return ~exact if condition.op == NE else exact


# --- purchases ------------------------------------------------------------------------


def _order_count_of_orders(condition: Condition, context: Context) -> Q:
    # the person (never null here) rather than the id: a period's orders are counted from
    # the index on (person, ordered_at, net_total, currency) alone
    return aggregate(counted_orders(condition, context), Count("person_id"), condition)


def _order_total_of_orders(condition: Condition, context: Context) -> Q:
    return aggregate(counted_orders(condition, context), Sum("net_total"), condition)


def _days_since_last_order_of_orders(condition: Condition, context: Context) -> Q:
    return days_since(counted_orders(), "ordered_at", condition, context)


def _buyer_status_of_orders(condition: Condition, context: Context) -> Q:
    counts = counted_orders().values("person_id").annotate(n=Count("id"))

    def matches(statuses) -> Q:
        q = Q(pk__in=[])
        if "never" in statuses:
            q |= ~Q(pk__in=counted_orders().values("person_id"))
        if "first" in statuses:
            q |= Q(pk__in=counts.filter(n=1).values("person_id"))
        if "repeat" in statuses:
            q |= Q(pk__in=counts.filter(n__gte=2).values("person_id"))
        return q

    return on_values(condition, matches)


# The purchase conditions computed by grouping the orders: what a condition with a period
# always does, and what the snapshot path must agree with (test_conditions_snapshot.py).
FROM_ORDERS = {
    "order_count": _order_count_of_orders,
    "order_total": _order_total_of_orders,
    "days_since_last_order": _days_since_last_order_of_orders,
    "buyer_status": _buyer_status_of_orders,
}
FROM_SNAPSHOT = {
    "order_count": snapshot.order_count,
    "order_total": snapshot.order_total,
    "days_since_last_order": snapshot.days_since_last_order,
    "buyer_status": snapshot.buyer_status,
}


def _purchases(key: str):
    """All time: the snapshot's column; within the last N days: that period's orders."""

    def compile(condition: Condition, context: Context) -> Q:
        path = FROM_ORDERS if condition.period_days else FROM_SNAPSHOT
        return path[key](condition, context)

    return compile


_order_count = _purchases("order_count")
_order_total = _purchases("order_total")
_days_since_last_order = _purchases("days_since_last_order")
_buyer_status = _purchases("buyer_status")


def _bought_product(condition: Condition, context: Context) -> Q:
    orders = counted_orders(condition, context)
    return on_values(
        condition,
        lambda ids: Q(
            pk__in=OrderLine.objects.filter(order__in=orders, product_id__in=ids).values(
                "order__person_id"
            )
        ),
    )


def _products() -> list[tuple[object, str]]:
    return [
        (pk, f"{name}（{code}）")
        for pk, code, name in Product.objects.order_by("code").values_list("pk", "code", "name")
    ]


def _buyer_choices() -> list[tuple[object, str]]:
    return [
        ("never", str(_("Never bought"))),
        ("first", str(_("First-time buyer (1 purchase)"))),
        ("repeat", str(_("Repeat buyer (2 or more)"))),
    ]


PERIOD_HELP = _("Leave the period empty for all time.")

register(
    Field(
        "order_count",
        _("Number of purchases"),
        "purchases",
        NUMBER,
        NUMBER_OPS,
        _order_count,
        minimum=0,
        maximum=MAX_COUNT,
        period=True,
        unit=_("times"),
        help=PERIOD_HELP,
    )
)
register(
    Field(
        "order_total",
        _("Amount purchased (yen, tax included)"),
        "purchases",
        NUMBER,
        NUMBER_OPS,
        _order_total,
        minimum=0,
        maximum=MAX_YEN,
        period=True,
        unit=_("yen"),
        help=PERIOD_HELP,
    )
)
register(
    Field(
        "days_since_last_order",
        _("Days since the last purchase"),
        "purchases",
        NUMBER,
        (*NUMBER_OPS, IS_SET, NOT_SET),
        _days_since_last_order,
        minimum=0,
        maximum=MAX_COUNT,
        unit=_("days"),
        calendar=True,
    )
)
register(
    Field(
        "buyer_status",
        _("First-time or repeat buyer"),
        "purchases",
        CHOICE,
        CHOICE_OPS,
        _buyer_status,
        choices=_buyer_choices,
    )
)
register(Field("bought_product", _("Bought a product"), "purchases", CHOICE, CHOICE_OPS, _bought_product, choices=_products, period=True, help=PERIOD_HELP))  # fmt: skip


# --- touches --------------------------------------------------------------------------


def _touches() -> QuerySet:
    # private notes are their author's: they do not put anyone into a segment
    return Touch.objects.filter(person__isnull=False, is_private=False)


def _days_since_last_touch(condition: Condition, context: Context) -> Q:
    return days_since(_touches(), "occurred_at", condition, context)


def _touch_kind(condition: Condition, context: Context) -> Q:
    rows = _touches()
    if condition.period_days:
        rows = rows.filter(
            occurred_at__gte=start_of(context.today - dt.timedelta(condition.period_days))
        )
    return on_values(
        condition, lambda kinds: Q(pk__in=rows.filter(kind__in=kinds).values("person_id"))
    )


register(
    Field(
        "days_since_last_touch",
        _("Days since the last touch"),
        "touches",
        NUMBER,
        (*NUMBER_OPS, IS_SET, NOT_SET),
        _days_since_last_touch,
        minimum=0,
        maximum=MAX_COUNT,
        unit=_("days"),
        calendar=True,
    )
)
register(Field("touch_kind", _("Had a touch of kind"), "touches", CHOICE, CHOICE_OPS, _touch_kind, choices=lambda: [(v, str(label)) for v, label in TouchKind.choices], period=True, help=PERIOD_HELP))  # fmt: skip


# --- deals ----------------------------------------------------------------------------


def _open_deals() -> QuerySet:
    return Deal.objects.filter(person__isnull=False, status=DealStatus.OPEN)


def _deal_stage(condition: Condition, context: Context) -> Q:
    return on_values(
        condition,
        lambda ids: Q(pk__in=_open_deals().filter(stage_id__in=ids).values("person_id")),
    )


def _deal_stalled(condition: Condition, context: Context) -> Q:
    stalled = Q(pk__in=_open_deals().filter(stalled_at__isnull=False).values("person_id"))
    return stalled if condition.value == "yes" else ~stalled


def _stages() -> list[tuple[object, str]]:
    return [
        (pk, f"{pipeline}: {name}")
        for pk, pipeline, name in Stage.objects.filter(kind="open")
        .order_by("pipeline__position", "pipeline_id", "position")
        .values_list("pk", "pipeline__name", "name")
    ]


register(
    Field(
        "deal_stage",
        _("Has an open deal at stage"),
        "deals",
        CHOICE,
        CHOICE_OPS,
        _deal_stage,
        choices=_stages,
    )
)
register(Field("deal_stalled", _("Has a stalled deal"), "deals", CHOICE, (EQ,), _deal_stalled, choices=lambda: [("yes", str(_("Yes"))), ("no", str(_("No")))]))  # fmt: skip
