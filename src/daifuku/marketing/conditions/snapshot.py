"""The all-time purchase conditions read from analytics' per-customer snapshot.

「購入回数 2回以上」, 「購入金額 30,000円以上」, 「最終購入から90日以上」 and 「リピーター」 with no
period are one figure per person that analytics already keeps (``CustomerMetrics``:
``order_count``, ``total``, ``last_order_at``, written in the transaction of every order
and return, imports included, and by the nightly rebuild from the same computation).
Grouping every order of the ledger to find them again costs a pass over the orders on
each count; reading the snapshot is one indexed range per condition
(``analytics.metrics_person_*_idx``, partial on people). A condition with a period
(「直近365日」) still groups that period's orders (:mod:`.activity`).

Both paths count the same purchases — an order in yen whose total after returns is above
zero (analytics' definition, :func:`.activity.counted_orders`) — so they select the same
people; ``marketing/tests/test_conditions_snapshot.py`` checks that on generated orders
with returns and cancellations. A person without a snapshot row never ordered: their
count and amount are 0 and they have no last purchase, as on the orders path.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from daifuku.analytics.models import CustomerMetrics

from .ledger import on_values
from .registry import EQ, GTE, IS_SET, LTE, NE, NOT_SET, Condition, Context


def start_of(day: dt.date) -> dt.datetime:
    """Midnight in Japan at the start of ``day`` (days are counted in Japan)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def people_rows() -> QuerySet:
    """The snapshot rows of people (companies have their own rows)."""
    return CustomerMetrics.objects.filter(person__isnull=False)


def _meets(column: str, op: str, value) -> Q:
    return {
        EQ: Q(**{column: value}),
        GTE: Q(**{f"{column}__gte": value}),
        LTE: Q(**{f"{column}__lte": value}),
        # two ranges rather than NOT (=): each an index range
        NE: Q(**{f"{column}__lt": value}) | Q(**{f"{column}__gt": value}),
    }[op]


def _fails(column: str, op: str, value) -> Q:
    return {
        EQ: Q(**{f"{column}__lt": value}) | Q(**{f"{column}__gt": value}),
        GTE: Q(**{f"{column}__lt": value}),
        LTE: Q(**{f"{column}__gt": value}),
        NE: Q(**{column: value}),
    }[op]


def compare(column: str, condition: Condition) -> Q:
    """People whose ``column`` (a count or an amount, 0 for a person without a row)
    compares to the value. When 0 meets the comparison («1回以下»), everyone but the
    people whose value fails it — so people who never bought are in without a row."""
    op, value = condition.op, condition.value
    zero_meets = {EQ: value == 0, NE: value != 0, GTE: value <= 0, LTE: value >= 0}[op]  # type: ignore[operator]
    if zero_meets:
        return ~Q(pk__in=people_rows().filter(_fails(column, op, value)).values("person_id"))
    return Q(pk__in=people_rows().filter(_meets(column, op, value)).values("person_id"))


def order_count(condition: Condition, context: Context) -> Q:
    return compare("order_count", condition)


def order_total(condition: Condition, context: Context) -> Q:
    return compare("total", condition)


def days_since_last_order(condition: Condition, context: Context) -> Q:
    """Days (of Japan) since ``last_order_at``; the same day boundaries as the orders
    path (:func:`.activity.days_since`). Not ``recency_days``: that is as of the day the
    row was computed, the last purchase's moment does not age."""
    last = "last_order_at"
    if condition.op in (IS_SET, NOT_SET):
        anyone = Q(pk__in=people_rows().filter(**{f"{last}__isnull": False}).values("person_id"))
        return anyone if condition.op == IS_SET else ~anyone
    value: int = condition.value  # type: ignore[assignment]  # validated: a number
    day = context.today - dt.timedelta(days=value)
    since, after = start_of(day), start_of(day + dt.timedelta(1))

    def rows(**lookup) -> Q:
        return Q(pk__in=people_rows().filter(**lookup).values("person_id"))

    if condition.op == LTE:
        return rows(**{f"{last}__gte": since})
    if condition.op == GTE:
        return rows(**{f"{last}__lt": after})
    exact = rows(**{f"{last}__gte": since, f"{last}__lt": after})
    return ~exact if condition.op == NE else exact


def buyer_status(condition: Condition, context: Context) -> Q:
    def matches(statuses) -> Q:
        q = Q(pk__in=[])
        if "never" in statuses:
            q |= ~Q(pk__in=people_rows().filter(order_count__gt=0).values("person_id"))
        if "first" in statuses:
            q |= Q(pk__in=people_rows().filter(order_count=1).values("person_id"))
        if "repeat" in statuses:
            q |= Q(pk__in=people_rows().filter(order_count__gte=2).values("person_id"))
        return q

    return on_values(condition, matches)
