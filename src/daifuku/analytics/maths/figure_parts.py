"""What each customer adds to the business figures of the analytics area (分析), so the
figures can be kept as running totals instead of being recomputed from every order on
each visit.

Every business figure of the dashboards is a **sum over customers** of something that
depends on that customer's own orders only: a month's revenue is the sum of each
customer's revenue that month, a month's buyers the number of customers with an order in
it, a cohort's size the number of customers whose first purchase fell in its month, and
so on. So each customer has *parts* — ``(kind, a, b)`` keys with four values
``n1, n2, v1, v2`` — and the figure is the sum of the parts with the same key
(:class:`~daifuku.analytics.models.FigureTotal`). When an order or a return lands, only
that customer's parts are computed again and the difference is added to the totals; the
full rebuild computes every customer's parts with the same function, so both give the
same totals by construction (and a test checks it).

The rows follow the dashboards' netting rule (analytics.maths.cohorts): orders are
positive amounts on the day ordered, returns and cancellations negative amounts on the
day they happened; a purchase is a customer-day with a positive net amount; a customer
whose net total is ≤ 0 is not a buyer. The 5:25 what-if reads analytics' counting orders
instead (each order net of its returns on the day ordered), given separately.

Kinds (months are counted from 1970-01, days from 1970-01-01):

=================  ==============================  ==============================================
kind               key ``a`` / ``b``               values
=================  ==============================  ==============================================
``month``          month / 0                       n1 orders (amount > 0), n2 1 if the customer
                                                   ordered that month, v1 net revenue, v2 returns
``channel``        month / channel id (0: none)    n1 orders, n2 rows (orders and returns),
                                                   v1 net revenue
``channel_last``   last month ordered / channel    n1 1 (buyers of a channel since a month)
``cohort``         first-purchase month / offset   n1 1 if a purchase in that month, v1 net amount
``cohort_size``    first-purchase month / 0        n1 1
``last``           last month of any row / last    n1 1 (the latest month/day a buyer's data
                   day                             reaches: the cohorts' "reached" edge)
``second``         first-purchase month / days to  n1 1 (b = -1: no second purchase)
                   the second purchase
``ltv``            0 / first order's channel id    n1 1 buyer, n2 purchases, v1 net revenue
``whatif``         month / 0                       n1 purchases, v1 net amount (counting orders)
``whatif_last``    0 / last day                    n1 1 (a counting order after today makes the
                                                   running totals unusable for the what-if)
``basket``         0 / 0                           n1 orders with catalog products (not wholly
                                                   returned or cancelled)
``basket_product`` product id / 0                  n1 such orders with the product
``basket_pair``    product id / product id (a < b) n1 such orders with both
=================  ==============================  ==============================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cohorts import buyer_days
from .copurchase import pairs_within

MONTH, CHANNEL, CHANNEL_LAST = "month", "channel", "channel_last"
COHORT, COHORT_SIZE, LAST, SECOND, LTV = "cohort", "cohort_size", "last", "second", "ltv"
WHATIF, WHATIF_LAST = "whatif", "whatif_last"
BASKET, BASKET_PRODUCT, BASKET_PAIR = "basket", "basket_product", "basket_pair"
KINDS = (
    MONTH,
    CHANNEL,
    CHANNEL_LAST,
    COHORT,
    COHORT_SIZE,
    LAST,
    SECOND,
    LTV,
    WHATIF,
    WHATIF_LAST,
    BASKET,
    BASKET_PRODUCT,
    BASKET_PAIR,
)
VALUES = ("n1", "n2", "v1", "v2")


@dataclass
class Parts:
    """Parallel int64 columns: one row per (customer, kind, a, b)."""

    customer: np.ndarray
    kind: np.ndarray  # object: the kind's name
    a: np.ndarray
    b: np.ndarray
    n1: np.ndarray
    n2: np.ndarray
    v1: np.ndarray
    v2: np.ndarray

    @property
    def size(self) -> int:
        return int(self.customer.size)

    def rows(self) -> list[tuple]:
        """``(customer, kind, a, b, n1, n2, v1, v2)`` as Python values (for the database)."""
        return list(
            zip(
                self.customer.tolist(),
                self.kind.tolist(),
                self.a.tolist(),
                self.b.tolist(),
                self.n1.tolist(),
                self.n2.tolist(),
                self.v1.tolist(),
                self.v2.tolist(),
                strict=True,
            )
        )


def _i(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _months(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _group(*keys: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of the key columns and, for every input row, its group."""
    if keys[0].size == 0:
        return [k[:0] for k in keys], np.zeros(0, dtype=np.int64)
    stacked = np.stack([_i(k) for k in keys])
    unique, inverse = np.unique(stacked, axis=1, return_inverse=True)
    return list(unique), inverse.reshape(-1)


def _sum(inverse: np.ndarray, size: int, weights) -> np.ndarray:
    return np.bincount(inverse, weights=weights, minlength=size).round().astype(np.int64)


def _part(kind: str, customer, a, b, n1=None, n2=None, v1=None, v2=None) -> Parts:
    size = np.asarray(customer).size
    zero = np.zeros(size, dtype=np.int64)
    return Parts(
        _i(customer),
        np.full(size, kind, dtype=object),
        _i(a),
        _i(b),
        zero if n1 is None else _i(n1),
        zero if n2 is None else _i(n2),
        zero if v1 is None else _i(v1),
        zero if v2 is None else _i(v2),
    )


def concat(parts: list[Parts]) -> Parts:
    if not parts:
        return _part(MONTH, [], [], [])
    return Parts(
        *(
            np.concatenate([getattr(p, name) for p in parts])
            for name in ("customer", "kind", "a", "b", *VALUES)
        )
    )


def sales_parts(customer, day, amount, channel, sequence) -> list[Parts]:
    """Parts from the dashboards' rows: ``customer`` keys (person id, company id negated),
    ``day`` (datetime64[D] or days), integer ``amount`` (orders positive, returns
    negative), ``channel`` id (0: none) and ``sequence`` (orders in (ordered_at, id)
    order: the first order with a positive amount is the customer's acquisition
    channel)."""
    customer, amount, channel, sequence = _i(customer), _i(amount), _i(channel), _i(sequence)
    days = np.asarray(day).astype("datetime64[D]").astype(np.int64)
    if customer.size == 0:
        return []
    month = _months(days)
    positive = amount > 0
    out: list[Parts] = []

    (c, m), inv = _group(customer, month)
    orders = _sum(inv, c.size, positive)
    returns = _sum(inv, c.size, np.where(amount < 0, -amount, 0))
    out.append(
        _part(MONTH, c, m, np.zeros_like(m), orders, orders > 0, _sum(inv, c.size, amount), returns)
    )

    (c, m, ch), inv = _group(customer, month, channel)
    out.append(
        _part(
            CHANNEL,
            c,
            m,
            ch,
            _sum(inv, c.size, positive),
            np.bincount(inv, minlength=c.size),
            _sum(inv, c.size, amount),
        )
    )

    (c, ch), inv = _group(customer[positive], channel[positive])
    last = np.full(c.size, np.iinfo(np.int64).min)
    np.maximum.at(last, inv, month[positive])
    out.append(_part(CHANNEL_LAST, c, last, ch, np.ones_like(c)))

    out.extend(_buyer_parts(customer, days, amount, channel, sequence))
    return out


def _buyer_parts(customer, days, amount, channel, sequence) -> list[Parts]:
    buyers = buyer_days(customer, days.astype("datetime64[D]"), amount)
    if buyers.ids.size == 0:
        return []
    ids, cust, day, net = buyers.ids, buyers.customer, buyers.day, buyers.amount
    purchase = net > 0
    month = _months(day)
    n = ids.size
    first_day = buyers.first_purchase()
    first_month = _months(first_day)
    out: list[Parts] = []

    # cohorts: every buyer-day from the first purchase on, by month
    offset = month - first_month[cust]
    after = offset >= 0
    (c, off), inv = _group(cust[after], offset[after])
    active = _sum(inv, c.size, purchase[after]) > 0
    out.append(
        _part(COHORT, ids[c], first_month[c], off, active, None, _sum(inv, c.size, net[after]))
    )
    out.append(_part(COHORT_SIZE, ids, first_month, np.zeros(n), np.ones(n)))
    last_day = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last_day, cust, day)
    out.append(_part(LAST, ids, _months(last_day), last_day, np.ones(n)))

    # second purchase: the buyer-days are sorted by customer then day
    pc, pd = cust[purchase], day[purchase]
    starts = np.flatnonzero(np.r_[True, pc[1:] != pc[:-1]])
    has_second = np.r_[starts[1:], pc.size] - starts >= 2
    gap = np.where(has_second, pd[np.minimum(starts + 1, pc.size - 1)] - pd[starts], -1)
    out.append(_part(SECOND, ids[pc[starts]], first_month[pc[starts]], gap, np.ones(starts.size)))

    # LTV by the channel of the first order with a positive amount
    positive = amount > 0
    order = np.lexsort((sequence[positive], customer[positive]))
    pos_customer, pos_channel = customer[positive][order], channel[positive][order]
    heads = np.flatnonzero(np.r_[True, pos_customer[1:] != pos_customer[:-1]])
    acquired = dict(zip(pos_customer[heads].tolist(), pos_channel[heads].tolist(), strict=True))
    via = _i([acquired.get(k, 0) for k in ids.tolist()])
    out.append(
        _part(
            LTV,
            ids,
            np.zeros(n),
            via,
            np.ones(n),
            np.bincount(cust[purchase], minlength=n),
            np.bincount(cust, weights=net, minlength=n).round(),
        )
    )
    return out


def whatif_parts(customer, day, amount) -> list[Parts]:
    """Parts from analytics' counting orders (each order net of its returns, on the day
    ordered): per buyer and month the purchases and the net amount, and the last day."""
    customer, amount = _i(customer), _i(amount)
    days = np.asarray(day).astype("datetime64[D]").astype(np.int64)
    if customer.size == 0:
        return []
    last = {}
    for key, d in zip(customer.tolist(), days.tolist(), strict=True):
        last[key] = max(last.get(key, d), d)
    out = [
        _part(
            WHATIF_LAST,
            list(last),
            np.zeros(len(last)),
            list(last.values()),
            np.ones(len(last)),
        )
    ]
    buyers = buyer_days(customer, days.astype("datetime64[D]"), amount)
    if buyers.ids.size:
        (c, m), inv = _group(buyers.customer, _months(buyers.day))
        out.append(
            _part(
                WHATIF,
                buyers.ids[c],
                m,
                np.zeros_like(m),
                _sum(inv, c.size, buyers.amount > 0),
                None,
                _sum(inv, c.size, buyers.amount),
            )
        )
    return out


def basket_parts(customer, order, product) -> list[Parts]:
    """Parts of the co-purchase figure from the catalog lines of the orders that count
    (not wholly returned or cancelled): ``customer`` key of each line's order, ``order``
    id, ``product`` id. A product counts once per order."""
    customer, order, product = _i(customer), _i(order), _i(product)
    if order.size == 0:
        return []
    rows = np.unique(np.stack([order, product, customer]), axis=1)  # by order, then product
    order, product, customer = rows
    heads = np.r_[True, order[1:] != order[:-1]]
    (c,), inv = _group(customer[heads])
    out = [_part(BASKET, c, np.zeros_like(c), np.zeros_like(c), np.bincount(inv, minlength=c.size))]
    (c, p), inv = _group(customer, product)
    out.append(_part(BASKET_PRODUCT, c, p, np.zeros_like(p), np.bincount(inv, minlength=c.size)))
    left, right = pairs_within(order)
    if left.size:
        (c, pa, pb), inv = _group(customer[left], product[left], product[right])
        out.append(_part(BASKET_PAIR, c, pa, pb, np.bincount(inv, minlength=c.size)))
    return out
