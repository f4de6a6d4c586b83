"""Cohorts and retention from raw ``(customer, date, amount)`` transactions.

What the figures mean for a shop:

* **retention matrix** — of the customers who first bought in a month (their cohort),
  the share who bought again 1, 2, 3 … months later; read across a row to see how a
  cohort fades, down a column to see whether newer cohorts stay better;
* **revenue by cohort** — the net amount each cohort spends in its month 0, 1, 2 …;
* **second-purchase conversion** — of the customers who first bought in a window, the share
  who came back within N days (the most important number for a young shop);
* **repeat rate** — the share of buyers who bought on at least two days;
* **LTV by group** — average order value × average number of purchases per buyer;
* **retention what-if** — what +5 points of retention would add to next year's revenue.

Netting rule (shared by every figure): amounts of one customer-day are summed; a
**purchase** is a customer-day with a positive net amount; returns are negative amounts
that reduce revenue on the day they happen; a customer whose net total is ≤ 0 (their only
order fully returned) is **not a buyer** and is left out of every figure. Months are
calendar months; ``period="fiscal_year"`` groups by 年度 (April start by default)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .periods import period_index, period_label


@dataclass(frozen=True)
class Days:
    """Net amount per buyer-day, sorted by customer then day. ``customer`` indexes ``ids``."""

    ids: np.ndarray
    customer: np.ndarray
    day: np.ndarray  # days since 1970-01-01
    amount: np.ndarray  # net amount of the day (negative on a return-only day)

    @property
    def purchase(self) -> np.ndarray:
        return self.amount > 0

    def first_purchase(self) -> np.ndarray:
        """Day of each buyer's first purchase (indexed like ``ids``)."""
        first = np.full(self.ids.size, np.iinfo(np.int64).max)
        np.minimum.at(first, self.customer[self.purchase], self.day[self.purchase])
        return first

    def purchase_counts(self) -> np.ndarray:
        return np.bincount(self.customer[self.purchase], minlength=self.ids.size)

    def revenue(self) -> np.ndarray:
        return np.bincount(self.customer, weights=self.amount, minlength=self.ids.size)


def buyer_days(customers, dates, amounts) -> Days:
    """Apply the netting rule: per customer-day net amounts of the buyers only."""
    customers = np.asarray(customers)
    days = np.asarray(dates, dtype="datetime64[D]").astype(np.int64)
    amounts = np.asarray(amounts, dtype=float)
    ids, inverse = np.unique(customers, return_inverse=True)
    if ids.size == 0:
        nothing = np.zeros(0, dtype=np.int64)
        return Days(ids, nothing, nothing, np.zeros(0))
    order = np.lexsort((days, inverse))
    cust, day = inverse[order], days[order]
    starts = np.flatnonzero(np.r_[True, (cust[1:] != cust[:-1]) | (day[1:] != day[:-1])])
    cust, day, net = cust[starts], day[starts], np.add.reduceat(amounts[order], starts)
    total = np.bincount(cust, weights=net, minlength=ids.size)
    bought = np.bincount(cust[net > 0], minlength=ids.size) > 0
    buyer = (total > 0) & bought
    renumber = np.cumsum(buyer) - 1
    keep = buyer[cust]
    return Days(ids[buyer], renumber[cust[keep]], day[keep], net[keep])


@dataclass(frozen=True)
class Cohorts:
    """Rows = cohorts (first-purchase month or fiscal year), columns = periods since.

    ``active[i, k]`` buyers of cohort i with a purchase in its period k; ``retention`` =
    active / size (NaN where period k has not been reached by the data yet);
    ``revenue[i, k]`` net amount of cohort i in its period k (returns included)."""

    labels: list[str]
    sizes: np.ndarray
    active: np.ndarray
    retention: np.ndarray
    revenue: np.ndarray


def cohorts(customers, dates, amounts, *, period: str = "month", start_month: int = 4) -> Cohorts:
    """Retention and revenue matrix by first-purchase month (or 年度 with
    ``period="fiscal_year"``), across year ends."""
    days = buyer_days(customers, dates, amounts)
    if days.ids.size == 0:
        empty = np.zeros((0, 0))
        return Cohorts([], np.zeros(0, dtype=int), empty.astype(int), empty, empty)
    as_dates = days.day.astype("datetime64[D]")
    index = period_index(as_dates, period, start_month)
    first = np.full(days.ids.size, np.iinfo(np.int64).max)
    purchase = days.purchase
    np.minimum.at(first, days.customer[purchase], index[purchase])
    cohort_values, cohort_of = np.unique(first, return_inverse=True)
    offset = index - first[days.customer]
    valid = offset >= 0
    last = int(index.max())
    width = last - int(cohort_values.min()) + 1
    row = cohort_of[days.customer]
    revenue = np.zeros((cohort_values.size, width))
    np.add.at(revenue, (row[valid], offset[valid]), days.amount[valid])
    # one count per buyer and period with a purchase
    seen = np.unique(np.stack([days.customer[purchase], offset[purchase]]), axis=1)
    active = np.zeros((cohort_values.size, width), dtype=np.int64)
    np.add.at(active, (cohort_of[seen[0]], seen[1]), 1)
    sizes = np.bincount(cohort_of, minlength=cohort_values.size)
    retention = active / sizes[:, None]
    reached = np.arange(width)[None, :] <= (last - cohort_values)[:, None]
    retention = np.where(reached, retention, np.nan)
    labels = [period_label(int(v), period, start_month) for v in cohort_values]
    return Cohorts(labels, sizes, active, retention, revenue)


@dataclass(frozen=True)
class Rate:
    base: int  # customers considered
    count: int  # of which did the thing
    rate: float | None  # count / base, None when nobody was considered

    @classmethod
    def of(cls, count: int, base: int) -> Rate:
        return cls(int(base), int(count), (count / base) if base else None)


def second_purchase_conversion(
    customers, dates, amounts, *, first_from, first_to, within_days: int
) -> Rate:
    """Of the buyers whose first purchase falls in [first_from, first_to], the share whose
    second purchase came at most ``within_days`` days after the first. Choose a window that
    ended at least ``within_days`` ago, or recent customers count as not converted yet."""
    days = buyer_days(customers, dates, amounts)
    purchase = days.purchase
    cust, day = days.customer[purchase], days.day[purchase]  # sorted by customer, day
    if cust.size == 0:
        return Rate.of(0, 0)
    starts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1]])
    first = day[starts]
    has_second = np.r_[starts[1:], cust.size] - starts >= 2
    second = np.where(
        has_second, day[np.minimum(starts + 1, cust.size - 1)], np.iinfo(np.int64).max
    )
    lo, hi = (np.datetime64(d, "D").astype(np.int64) for d in (first_from, first_to))
    in_window = (first >= lo) & (first <= hi)
    converted = in_window & has_second & (second - first <= within_days)
    return Rate.of(int(converted.sum()), int(in_window.sum()))


def repeat_rate(customers, dates, amounts) -> Rate:
    """Share of buyers with purchases on at least two days."""
    counts = buyer_days(customers, dates, amounts).purchase_counts()
    return Rate.of(int((counts >= 2).sum()), counts.size)


@dataclass(frozen=True)
class GroupValue:
    group: str
    buyers: int
    purchases: int
    revenue: float
    average_order_value: float  # revenue / purchases
    purchases_per_buyer: float  # purchases / buyers

    @property
    def ltv(self) -> float:
        """Average order value × average number of purchases (= revenue per buyer)."""
        return self.average_order_value * self.purchases_per_buyer


def ltv_by_group(customers, dates, amounts, groups: dict) -> list[GroupValue]:
    """LTV per group (channel, first product, prefecture …). ``groups`` maps a customer to
    its group; customers without one are in group ``""``. Sorted by group."""
    days = buyer_days(customers, dates, amounts)
    labels = np.array([str(groups.get(c, "")) for c in days.ids.tolist()], dtype=object)
    counts, revenue = days.purchase_counts(), days.revenue()
    result = []
    for label in sorted(set(labels.tolist())):
        member = labels == label
        buyers, purchases, total = (
            int(member.sum()),
            int(counts[member].sum()),
            float(revenue[member].sum()),
        )
        result.append(
            GroupValue(label, buyers, purchases, total, total / purchases, purchases / buyers)
        )
    return result


@dataclass(frozen=True)
class RetentionWhatIf:
    """Retention and its value, from the shop's own two consecutive periods.

    ``retention`` = share of the previous period's buyers who bought again in the current
    one; ``revenue_per_retained`` = what such a returning customer spent in the current period
    (their purchases × average order value). Next period's revenue from returning customers
    is projected as current buyers × retention × revenue per retained customer; ``gain`` is
    what ``points`` more retention adds to it."""

    previous_buyers: int
    retained: int
    retention: float
    current_buyers: int
    current_revenue: float
    average_order_value: float
    purchases_per_retained: float
    points: float
    projected: float
    projected_with_points: float

    @property
    def revenue_per_retained(self) -> float:
        return self.average_order_value * self.purchases_per_retained

    @property
    def gain(self) -> float:
        return self.projected_with_points - self.projected

    @property
    def gain_share_of_current_revenue(self) -> float | None:
        return self.gain / self.current_revenue if self.current_revenue else None


def retention_what_if(
    customers, dates, amounts, *, previous: tuple, current: tuple, points: float = 5
) -> RetentionWhatIf:
    """The 5:25 question with the shop's own figures: previous/current are inclusive
    ``(first day, last day)`` periods, e.g. two 年度 from :func:`periods.fiscal_year_bounds`."""
    days = buyer_days(customers, dates, amounts)
    (p_lo, p_hi), (c_lo, c_hi) = (
        (np.datetime64(a, "D").astype(np.int64), np.datetime64(b, "D").astype(np.int64))
        for a, b in (previous, current)
    )
    purchase = days.purchase

    def buyers_in(lo, hi):
        mask = purchase & (days.day >= lo) & (days.day <= hi)
        return np.bincount(days.customer[mask], minlength=days.ids.size) > 0

    before, now = buyers_in(p_lo, p_hi), buyers_in(c_lo, c_hi)
    retained = before & now
    in_current = (days.day >= c_lo) & (days.day <= c_hi)
    of_retained = in_current & retained[days.customer]
    return what_if_of(
        before,
        now,
        current_revenue=float(days.amount[in_current].sum()),
        retained_revenue=float(days.amount[of_retained].sum()),
        retained_purchases=int((of_retained & purchase).sum()),
        points=points,
    )


def what_if_of(
    before,
    now,
    *,
    current_revenue: float,
    retained_revenue: float,
    retained_purchases: int,
    points: float,
) -> RetentionWhatIf:
    """The seed's formula on the two periods' buyers (boolean arrays by customer) and the
    retained buyers' current-period revenue and purchases: next year's revenue as
    buyers × retention × average order value × purchases per retained buyer, and again
    with ``points`` more of retention. One place for the orders' path and the stored
    monthly parts' path, so both answer alike."""
    retained = before & now
    rate = retained.sum() / before.sum() if before.any() else 0.0
    aov = retained_revenue / retained_purchases if retained_purchases else 0.0
    per_retained = retained_purchases / retained.sum() if retained.any() else 0.0
    base = now.sum() * aov * per_retained
    return RetentionWhatIf(
        previous_buyers=int(before.sum()),
        retained=int(retained.sum()),
        retention=float(rate),
        current_buyers=int(now.sum()),
        current_revenue=current_revenue,
        average_order_value=aov,
        purchases_per_retained=float(per_retained),
        points=points,
        projected=float(base * rate),
        projected_with_points=float(base * min(1.0, rate + points / 100)),
    )
