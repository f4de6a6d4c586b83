"""RFM scores: how recently, how often and for how much a customer buys, each 1–5.

For a shop, 5-5-5 is a best customer (bought lately, often, a lot); 1-x-x has not bought
for a long time. Scores are quintiles of the shop's own buyers, or thresholds an
administrator sets (「30日以内なら5」).

**Tie rule** (quintiles): a value's score is ``1 + ⌊5 × below / n⌋`` where ``below`` is the
number of customers with a strictly worse value and ``n`` the number of customers. Equal
values have the same ``below``, so they always get the same score and ties never split;
the best values can get 5 only if fewer than 80 % of customers are worse, so a shop where
most customers bought once gives all of them the same (low) frequency score rather than
spreading them over scores at random. Recency is scored inversely: fewer days since the
last purchase = better = higher score.

numpy-vectorised: one sort per measure (about 0.14 s of CPU per million customers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCORES = 5


def quintile_scores(values, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5 by the tie rule above. ``values`` must be finite."""
    values = np.asarray(values)
    n = values.size
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    keyed = (
        values
        if higher_is_better
        else -values.astype(np.float64 if values.dtype.kind == "f" else np.int64)
    )
    # one sort of the values (np.unique: not stable, which ties make irrelevant): the
    # number of strictly worse values is the running count before each distinct value,
    # and each value picks its score through the inverse index (a gather, no scatter)
    _distinct, inverse, counts = np.unique(keyed, return_inverse=True, return_counts=True)
    below = np.cumsum(counts) - counts
    return (1 + (SCORES * below) // n).astype(np.int8)[inverse.reshape(-1)]


def threshold_scores(values, thresholds, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5 from four ascending cut points set by an administrator.

    Higher is better (frequency, monetary): ``[2, 3, 5, 10]`` → 1 below 2, 2 from 2, …,
    5 from 10. Lower is better (recency in days): ``[30, 90, 180, 365]`` → 5 up to 30 days,
    4 up to 90, 3 up to 180, 2 up to 365, 1 beyond."""
    cuts = np.asarray(thresholds)
    if cuts.shape != (SCORES - 1,) or np.any(np.diff(cuts) <= 0):
        raise ValueError("thresholds must be four strictly ascending values")
    values = np.asarray(values)
    if higher_is_better:
        return (1 + np.searchsorted(cuts, values, side="right")).astype(np.int8)
    return (SCORES - np.searchsorted(cuts, values, side="left")).astype(np.int8)


@dataclass(frozen=True)
class RFMValues:
    """Per buyer, in id order: days since the last purchase (as of ``as_of``), number of
    purchases (customer-days with a positive net amount) and net amount bought."""

    customers: np.ndarray
    recency_days: np.ndarray
    frequency: np.ndarray
    monetary: np.ndarray


def rfm_values(customers, dates, amounts, *, as_of) -> RFMValues:
    """Raw transactions up to ``as_of`` → R, F, M per buyer. Returns are negative amounts
    netted per customer-day and per customer; a customer whose net total is ≤ 0 (their
    only order fully returned) is not a buyer and is left out."""
    customers = np.asarray(customers)
    days = np.asarray(dates, dtype="datetime64[D]").astype(np.int64)
    amounts = np.asarray(amounts, dtype=float)
    limit = np.datetime64(as_of, "D").astype(np.int64)
    keep = days <= limit
    customers, days, amounts = customers[keep], days[keep], amounts[keep]
    ids, inverse = np.unique(customers, return_inverse=True)
    total = np.bincount(inverse, weights=amounts, minlength=ids.size)
    # net per customer-day: a day whose orders were all returned the same day is no purchase
    span = int(days.max() - days.min() + 1) if days.size else 1
    key = inverse.astype(np.int64) * span + (days - (days.min() if days.size else 0))
    day_keys, day_inverse = np.unique(key, return_inverse=True)
    day_net = np.bincount(day_inverse, weights=amounts, minlength=day_keys.size)
    bought = day_net > 0
    day_customer = day_keys // span
    frequency = np.bincount(day_customer[bought], minlength=ids.size)
    # the keys are sorted by customer then day: a customer's last purchase ends their run
    bought_customer, bought_day = (
        day_customer[bought],
        day_keys[bought] % span + (days.min() if days.size else 0),
    )
    ends = np.ones(bought_customer.size, dtype=bool)
    ends[:-1] = bought_customer[1:] != bought_customer[:-1]
    last = np.zeros(ids.size, dtype=np.int64)
    last[bought_customer[ends]] = bought_day[ends]
    buyer = (total > 0) & (frequency > 0)
    return RFMValues(ids[buyer], limit - last[buyer], frequency[buyer], total[buyer])


@dataclass(frozen=True)
class Thresholds:
    recency_days: tuple  # four ascending day counts: 5 up to the first …
    frequency: tuple  # four ascending purchase counts: 5 from the last …
    monetary: tuple  # four ascending amounts


def rfm_scores(
    values: RFMValues, thresholds: Thresholds | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(R, F, M) scores 1–5: quintiles of these buyers, or the administrator's thresholds."""
    if thresholds is None:
        return (
            quintile_scores(values.recency_days, higher_is_better=False),
            quintile_scores(values.frequency),
            quintile_scores(values.monetary),
        )
    return (
        threshold_scores(values.recency_days, thresholds.recency_days, higher_is_better=False),
        threshold_scores(values.frequency, thresholds.frequency),
        threshold_scores(values.monetary, thresholds.monetary),
    )


def quintile_scores_python(values, *, higher_is_better: bool = True) -> list[int]:
    """The same rule in plain Python: the benchmark's baseline and the tests' cross-check."""
    n = len(values)
    ranked = sorted(values, reverse=not higher_is_better)
    below: dict = {}
    for index, value in enumerate(ranked):
        below.setdefault(value, index)
    return [1 + (SCORES * below[value]) // n for value in values]
