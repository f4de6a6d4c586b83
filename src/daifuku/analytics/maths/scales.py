"""RFM cut points: the quintile rule of :mod:`daifuku.analytics.maths.rfm` written as
four cut points per measure, so one new value can be scored against the buyers of the
last rebuild without scoring everybody again.

For the buyers the cut points came from, :func:`score` gives exactly
:func:`~daifuku.analytics.maths.rfm.quintile_scores` (tested); a value between theirs
is scored as the next lower of them would be. Cut points are ascending; ``None`` is a
score nobody reaches. Higher-is-better measures (frequency, monetary): the score is
1 + the number of cut points ≤ the value. Recency (days, lower is better): 1 + the
number of cut points ≥ the value (an administrator's ``[30, 90, 180, 365]`` gives 5 up
to 30 days, 1 beyond 365)."""

from __future__ import annotations

import numpy as np

from .rfm import SCORES


def cut_points(values, *, higher_is_better: bool = True) -> list:
    """The four cut points of the quintile rule for ``values`` (ascending, None where
    no value reaches that score)."""
    values = np.asarray(values)
    n = values.size
    if n == 0:
        return [None] * (SCORES - 1)
    keyed = values if higher_is_better else -values
    ranked = np.sort(keyed, kind="stable")
    distinct, first = np.unique(ranked, return_index=True)  # first = strictly worse count
    cuts = []
    for score in range(1, SCORES):
        # the least value whose count of strictly worse values reaches score/5 of n
        j = int(np.searchsorted(SCORES * first, score * n, side="left"))
        cuts.append(None if j >= distinct.size else distinct[j].item())
    if higher_is_better:
        return cuts
    return sorted((None if c is None else -c for c in cuts), key=lambda c: (c is not None, c))


def score(values, cuts, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5 of ``values`` against four cut points (see the module docstring)."""
    values = np.asarray(values)
    result = np.ones(values.shape, dtype=np.int8)
    for cut in cuts:
        if cut is None:
            continue
        result += (values >= cut) if higher_is_better else (values <= cut)
    return result
