"""Which currency a customer is predicted in, when the shop sells in several.

Amounts in yen and in cents never mix in one CLV fit, so each currency with enough orders
gets its own fit, and each customer is predicted by exactly one of them: the currency of
most of their purchases; on a tie the currency of their latest purchase; on a tie again
the shop's main currency, then the first code in alphabetical order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def customers_main_currency(
    per_currency: Mapping[str, tuple[np.ndarray, np.ndarray]], order: Sequence[str]
) -> dict[str, np.ndarray]:
    """``{currency: (customer ids, days)}`` of the purchases (one row per order, days as
    datetime64[D]) → ``{currency: the customers whose main currency it is}``. ``order``
    lists the currencies by preference for the last tie (the shop's main one first)."""
    rank = {code: n for n, code in enumerate(order)}
    parts = []
    for code, (customers, days) in per_currency.items():
        customers = np.asarray(customers, dtype=np.int64)
        if customers.size == 0:
            continue
        ids, inverse, counts = np.unique(customers, return_inverse=True, return_counts=True)
        last = np.full(ids.size, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(last, inverse, np.asarray(days, dtype="datetime64[D]").astype(np.int64))
        preference = np.full(ids.size, -rank.get(code, len(rank)), dtype=np.int64)
        parts.append((ids, counts, last, preference, code))
    if not parts:
        return {}
    codes = [p[4] for p in parts]
    ids = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    last = np.concatenate([p[2] for p in parts])
    preference = np.concatenate([p[3] for p in parts])
    which = np.concatenate([np.full(p[0].size, n) for n, p in enumerate(parts)])
    # alphabetical last: a larger key wins, so the earlier code gets the larger number
    alphabet = {code: -n for n, code in enumerate(sorted(codes))}
    letters = np.array([alphabet[codes[w]] for w in which], dtype=np.int64)
    # sorted by customer, then every key ascending: each customer's best row comes last
    ranked = np.lexsort((letters, preference, last, counts, ids))
    sorted_ids = ids[ranked]
    best = np.ones(sorted_ids.size, dtype=bool)
    best[:-1] = sorted_ids[1:] != sorted_ids[:-1]
    winners, winner_code = sorted_ids[best], which[ranked][best]
    return {code: winners[winner_code == n] for n, code in enumerate(codes)}
