"""Per-customer purchase figures from raw purchases, vectorised (numpy), no database.

One function serves the full rebuild (every customer at once) and the update in an
order's transaction (one customer): the same code gives the same figures, which is what
lets the rebuild be compared with the incremental path to the yen.

Definitions (docs/analytics.md):

* a purchase is an order whose total after returns is above zero;
* days are calendar days in the site's time zone, given as day numbers;
* ``average_order_value`` = ``total // order_count`` (rounded down, integer yen) and
  ``ltv`` = average order value × purchase count (the seed's formula);
* churn risk compares the days since the last purchase with the customer's own rhythm:
  the usual gap ``g`` is the span between first and last purchase ÷ (purchases − 1), at
  least 30 days, or 90 days for a one-time buyer; up to 2·g is low, up to 4·g medium,
  beyond that high. Integer arithmetic only, so both paths agree exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

RISK_NONE, RISK_LOW, RISK_MEDIUM, RISK_HIGH = 0, 1, 2, 3
MIN_GAP_DAYS = 30
ONE_TIME_GAP_DAYS = 90


@dataclass(frozen=True)
class Figures:
    """Per customer, in ascending id order (only customers with at least one purchase)."""

    customers: np.ndarray
    order_count: np.ndarray
    total: np.ndarray
    first_at: np.ndarray  # epoch seconds
    second_at: np.ndarray  # epoch seconds, -1 without a second purchase
    last_at: np.ndarray
    recency_days: np.ndarray
    days_to_second: np.ndarray  # -1 without a second purchase
    churn_risk: np.ndarray

    @property
    def average_order_value(self) -> np.ndarray:
        return self.total // np.maximum(self.order_count, 1)

    @property
    def ltv(self) -> np.ndarray:
        return self.average_order_value * self.order_count


def local_days(epoch_seconds, utc_offset_seconds: int) -> np.ndarray:
    """Calendar day numbers (days since 1970-01-01 in the site's zone)."""
    return (np.asarray(epoch_seconds, dtype=np.int64) + utc_offset_seconds) // 86_400


def day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def churn_risk(order_count, first_day, last_day, recency_days) -> np.ndarray:
    """0 none, 1 low, 2 medium, 3 high (the rule in the module docstring)."""
    count = np.asarray(order_count, dtype=np.int64)
    span = np.asarray(last_day, dtype=np.int64) - np.asarray(first_day, dtype=np.int64)
    recency = np.asarray(recency_days, dtype=np.int64)
    gaps = np.maximum(count - 1, 1)
    # recency ≤ k·g  ⇔  recency·(n−1) ≤ k·max(span, 30·(n−1)) for repeat buyers
    budget = np.where(count > 1, np.maximum(span, MIN_GAP_DAYS * gaps), ONE_TIME_GAP_DAYS)
    scaled = np.where(count > 1, recency * gaps, recency)
    risk = np.where(
        scaled <= 2 * budget, RISK_LOW, np.where(scaled <= 4 * budget, RISK_MEDIUM, RISK_HIGH)
    )
    return np.where(count > 0, risk, RISK_NONE).astype(np.int8)


def figures(
    customers, epoch_seconds, amounts, *, as_of_day: int, utc_offset_seconds: int
) -> Figures:
    """Orders (customer id, when, total after returns) → figures per customer who bought.
    Orders whose amount is not above zero are no purchases and are ignored."""
    customers = np.asarray(customers, dtype=np.int64)
    seconds = np.asarray(epoch_seconds, dtype=np.int64)
    amounts = np.asarray(amounts, dtype=np.int64)
    bought = amounts > 0
    customers, seconds, amounts = customers[bought], seconds[bought], amounts[bought]
    order = np.lexsort((seconds, customers))
    customers, seconds, amounts = customers[order], seconds[order], amounts[order]
    ids, starts, counts = np.unique(customers, return_index=True, return_counts=True)
    if ids.size == 0:
        return from_groups(ids, ids, ids, ids, ids, ids, as_of_day=as_of_day, utc_offset_seconds=0)
    last = seconds[starts + counts - 1]
    second = np.where(counts > 1, seconds[np.minimum(starts + 1, seconds.size - 1)], -1)
    return from_groups(
        ids,
        counts,
        np.add.reduceat(amounts, starts),
        seconds[starts],
        second,
        last,
        as_of_day=as_of_day,
        utc_offset_seconds=utc_offset_seconds,
    )


def from_groups(
    customers, counts, totals, first, second, last, *, as_of_day: int, utc_offset_seconds: int
) -> Figures:
    """The figures from each buyer's purchases summed up (ascending ids; purchase count,
    total, epoch seconds of the first, second (-1: none) and last purchase): what the
    database's grouped read of the full rebuild gives, and what :func:`figures` reduces
    the raw orders to first — one set of formulas for both."""
    ids = np.asarray(customers, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    if ids.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Figures(ids, empty, empty, empty, empty, empty, empty, empty, empty.astype(np.int8))
    first = np.asarray(first, dtype=np.int64)
    last = np.asarray(last, dtype=np.int64)
    has_second = counts > 1
    second = np.where(has_second, np.asarray(second, dtype=np.int64), -1)
    first_day = local_days(first, utc_offset_seconds)
    last_day = local_days(last, utc_offset_seconds)
    second_day = local_days(second, utc_offset_seconds)
    recency = np.maximum(as_of_day - last_day, 0)
    return Figures(
        customers=ids,
        order_count=counts,
        total=np.asarray(totals, dtype=np.int64),
        first_at=first,
        second_at=second,
        last_at=last,
        recency_days=recency,
        days_to_second=np.where(has_second, second_day - first_day, -1),
        churn_risk=churn_risk(counts, first_day, last_day, recency),
    )


def window_totals(
    customers, epoch_seconds, amounts, ids, *, since_day: int | None, utc_offset_seconds: int
):
    """Purchases and their sum per customer of ``ids`` (ascending) since ``since_day``
    (inclusive; None = all time): what a rank rule counts."""
    customers = np.asarray(customers, dtype=np.int64)
    amounts = np.asarray(amounts, dtype=np.int64)
    keep = amounts > 0
    if since_day is not None:
        keep &= local_days(epoch_seconds, utc_offset_seconds) >= since_day
    position = np.searchsorted(ids, customers[keep])
    count = np.bincount(position, minlength=ids.size)[: ids.size].astype(np.int64)
    total = np.bincount(position, weights=amounts[keep], minlength=ids.size)[: ids.size]
    return count, np.rint(total).astype(np.int64)


@dataclass(frozen=True)
class Rule:
    """A rank rule as numbers: the ``pk`` of the rule, what it needs and its priority."""

    pk: int
    min_purchases: int
    min_amount: int
    period_months: int
    priority: int


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(candidate, day.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def ranks(
    rules: list[Rule], windows: dict[int, tuple[np.ndarray, np.ndarray]], size: int
) -> np.ndarray:
    """The rule each customer holds (its pk, 0 for none): the qualifying rule with the
    highest priority (then the lowest pk). ``windows[period_months]`` gives
    (purchases, amount) per customer over that period (0 = all time); only a customer
    with at least one purchase ever holds a rank."""
    held = np.zeros(size, dtype=np.int64)
    decided = np.zeros(size, dtype=bool)
    ever = windows[0][0] > 0 if 0 in windows else np.ones(size, dtype=bool)
    for rule in sorted(rules, key=lambda r: (-r.priority, r.pk)):
        count, amount = windows[rule.period_months]
        qualifies = ever & (count >= rule.min_purchases) & (amount >= rule.min_amount) & ~decided
        held[qualifies] = rule.pk
        decided |= qualifies
    return held
