"""Products bought together, and what to suggest to a customer next.

For a pair of products A and B over the shop's orders:

* **support** = orders with both / all orders — how common the pair is;
* **confidence A→B** = orders with both / orders with A — of the orders with A, the share
  that also had B ("customers who bought A also bought B");
* **lift** = confidence A→B / share of orders with B = orders with both × all orders /
  (orders with A × orders with B). Above 1: bought together more often than chance; 1: no
  link; a popular product has high confidence with everything but lift near 1.

A product appears at most once per order (quantities do not matter)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Pair:
    a: object
    b: object
    together: int  # orders with both
    support: float
    confidence_ab: float  # P(B | A)
    confidence_ba: float  # P(A | B)
    lift: float


@dataclass(frozen=True)
class CoPurchase:
    orders: int
    popularity: dict  # product → number of orders with it
    pairs: list[Pair]  # by lift, then orders together, descending; then by products


def co_purchases(orders, products, *, min_together: int = 2) -> CoPurchase:
    """``(order, product)`` rows → pair statistics. Pairs seen in fewer than
    ``min_together`` orders are left out: one shared order is chance, not a pattern."""
    orders, products = np.asarray(orders), np.asarray(products)
    if orders.size == 0:
        return CoPurchase(0, {}, [])
    order_ids, order_of = np.unique(orders, return_inverse=True)
    product_ids, product_of = np.unique(products, return_inverse=True)
    rows = np.unique(np.stack([order_of, product_of]), axis=1)  # sorted by order, then product
    order_col, product_col = rows
    count_of_product = np.bincount(product_col, minlength=product_ids.size)
    left, right = pairs_within(order_col)
    keys = product_col[left].astype(np.int64) * product_ids.size + product_col[right]
    pair_keys, together = np.unique(keys, return_counts=True)
    a, b = pair_keys // product_ids.size, pair_keys % product_ids.size
    return from_counts(
        order_ids.size, product_ids, count_of_product, a, b, together, min_together=min_together
    )


def pairs_within(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by ``group``: every row with every later row of the same group
    (the indexes of the left and right row of each pair)."""
    if group.size == 0:
        nothing = np.zeros(0, dtype=np.int64)
        return nothing, nothing
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.repeat(np.r_[starts[1:], group.size], np.diff(np.r_[starts, group.size]))
    partners = ends - np.arange(group.size) - 1
    left = np.repeat(np.arange(group.size), partners)
    step = np.arange(left.size) - np.repeat(np.cumsum(partners) - partners, partners)
    return left, left + 1 + step


def from_counts(
    n_orders: int, product_ids, count_of_product, a, b, together, *, min_together: int = 2
) -> CoPurchase:
    """The statistics from counts: ``product_ids`` sorted, ``count_of_product`` (orders
    with each), pairs ``a`` < ``b`` (indexes into ``product_ids``) seen ``together``."""
    product_ids = np.asarray(product_ids)
    count_of_product = np.asarray(count_of_product, dtype=np.int64)
    a, b, together = (np.asarray(v, dtype=np.int64) for v in (a, b, together))
    keep = together >= min_together
    a, b, together = a[keep], b[keep], together[keep]
    n_a, n_b = count_of_product[a], count_of_product[b]
    lift = together * n_orders / (n_a * n_b)
    order = np.lexsort((b, a, -together, -lift))
    pairs = [
        Pair(
            product_ids[a[i]].item(),
            product_ids[b[i]].item(),
            int(together[i]),
            together[i] / n_orders,
            together[i] / n_a[i],
            together[i] / n_b[i],
            float(lift[i]),
        )
        for i in order
    ]
    popularity = {p.item(): int(c) for p, c in zip(product_ids, count_of_product, strict=True)}
    return CoPurchase(n_orders, popularity, pairs)


def recommend(owned: Iterable, stats: CoPurchase, *, limit: int = 5, min_lift: float = 1.0) -> list:
    """Products to suggest to a customer who owns ``owned``: those bought with what they
    own, scored by Σ confidence(owned → candidate) over pairs with lift above ``min_lift``
    (ties: higher best lift, then more popular, then product order); never a product they
    own; the rest of the list filled with the most popular products (fallback)."""
    owned = set(owned)
    scores: dict = {}
    for pair in stats.pairs:
        if pair.lift <= min_lift:
            continue
        for have, other, confidence in (
            (pair.a, pair.b, pair.confidence_ab),
            (pair.b, pair.a, pair.confidence_ba),
        ):
            if have in owned and other not in owned:
                total, best = scores.get(other, (0.0, 0.0))
                scores[other] = (total + confidence, max(best, pair.lift))
    ranked = sorted(
        scores, key=lambda p: (-scores[p][0], -scores[p][1], -stats.popularity.get(p, 0), p)
    )
    picks = ranked[:limit]
    if len(picks) < limit:
        chosen = set(picks) | owned
        for product in sorted(stats.popularity, key=lambda p: (-stats.popularity[p], p)):
            if len(picks) >= limit:
                break
            if product not in chosen:
                picks.append(product)
    return picks
