"""Predictive customer lifetime value: BG/NBD + Gamma-Gamma, fitted on numpy/scipy.

What the figures mean for a shop:

* **expected purchases** — how many times a customer is likely to buy in the next ``t``
  weeks, given how often and how recently they bought (BG/NBD, Fader, Hardie & Lee 2005,
  "Counting your customers the easy way");
* **probability alive** — the chance the customer has not quietly left for good; a loyal
  customer who has not been seen for far longer than their usual gap is probably gone;
* **expected average order value** — what their next orders are likely to be worth,
  their own average pulled toward the shop's average the fewer orders we have seen
  (Gamma-Gamma, Fader, Hardie & Lee 2005, "RFM and CLV");
* **CLV** — expected purchases month by month × expected order value, discounted.

Time is in weeks (days ÷ 7); one purchase per customer-day (several orders of one day are
one purchase, their amounts summed). See docs/adr/0007-clv-fitting-on-numpy-scipy.md and
docs/analytics.md (the CDNOW check)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln, hyp2f1

WEEK_DAYS = 7.0
MONTH_WEEKS = 365.25 / 12 / WEEK_DAYS  # one average calendar month in weeks


class FitError(ValueError):
    """The data cannot support a fit (no customers, or no repeat buyers for Gamma-Gamma),
    or the optimiser did not converge."""


@dataclass(frozen=True)
class Summary:
    """One row per customer, in the order of ``customers``.

    ``frequency`` = repeat purchases (purchase days after the first); ``recency`` = weeks
    from first to last purchase; ``T`` = weeks from first purchase to the end of the
    observation; ``monetary`` = mean amount of the repeat purchases (0 without repeats:
    the first purchase is left out, as in the Gamma-Gamma paper)."""

    customers: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary: np.ndarray


def summarise(customers, dates, amounts, *, end) -> Summary:
    """Raw transactions ``(customer, date, amount)`` observed up to and including ``end``
    → the (frequency, recency, T, monetary) summary. Later transactions are ignored.
    Amounts of one customer-day are summed; a customer-day whose net amount is negative
    (a return only) is not a purchase; a zero-amount day is (CDNOW has such orders); a
    customer whose returns cancel everything they bought is left out. Returns on later
    days do not lower the monetary value (it is the mean of the repeat purchase days)."""
    customers = np.asarray(customers)
    days = np.asarray(dates, dtype="datetime64[D]")
    amounts = np.asarray(amounts, dtype=float)
    end_day = np.datetime64(end, "D")
    keep = days <= end_day
    customers, days, amounts = customers[keep], days[keep], amounts[keep]
    if customers.size == 0:
        empty = np.zeros(0)
        return Summary(customers[:0], empty.astype(int), empty, empty, empty)
    ids, inverse = np.unique(customers, return_inverse=True)
    day_numbers = days.astype(np.int64)
    # one row per customer-day, amounts summed
    order = np.lexsort((day_numbers, inverse))
    cust_sorted, day_sorted = inverse[order], day_numbers[order]
    new_group = np.ones(order.size, dtype=bool)
    new_group[1:] = (cust_sorted[1:] != cust_sorted[:-1]) | (day_sorted[1:] != day_sorted[:-1])
    starts = np.flatnonzero(new_group)
    day_cust, day_day = cust_sorted[starts], day_sorted[starts]
    day_amount = np.add.reduceat(amounts[order], starts)
    net_total = np.bincount(day_cust, weights=day_amount, minlength=ids.size)
    returned = np.bincount(day_cust[day_amount < 0], minlength=ids.size) > 0
    buying = day_amount >= 0
    day_cust, day_day, day_amount = day_cust[buying], day_day[buying], day_amount[buying]
    count = np.bincount(day_cust, minlength=ids.size)
    # returns that cancel everything bought: not a buyer (a free, zero-amount order still is)
    present = (count > 0) & ~(returned & (net_total <= 0))
    first = np.full(ids.size, np.iinfo(np.int64).max)
    np.minimum.at(first, day_cust, day_day)
    last = np.full(ids.size, np.iinfo(np.int64).min)
    np.maximum.at(last, day_cust, day_day)
    total = np.bincount(day_cust, weights=day_amount, minlength=ids.size)
    first_amount = np.zeros(ids.size)
    is_first = day_day == first[day_cust]
    first_amount[day_cust[is_first]] = day_amount[is_first]
    ids, count, first, last, total, first_amount = (
        a[present] for a in (ids, count, first, last, total, first_amount)
    )
    frequency = count - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (total - first_amount) / np.maximum(frequency, 1), 0.0)
    end_number = end_day.astype(np.int64)
    return Summary(
        ids,
        frequency.astype(int),
        (last - first) / WEEK_DAYS,
        (end_number - first) / WEEK_DAYS,
        monetary,
    )


# --- BG/NBD ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BGNBD:
    """Purchase rate λ ~ Gamma(r, α) across customers; after each purchase a customer
    leaves with probability p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


def bgnbd_log_likelihood(params, frequency, recency, T, weights=None) -> np.ndarray | float:
    """Per-customer log-likelihood (Fader, Hardie & Lee 2005, eq. 6), or the weighted
    sum when ``weights`` is given."""
    r, alpha, a, b = params
    x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx),
            -np.inf,
        )
    ll = a1 + a2 + np.logaddexp(a3, a4)
    return ll if weights is None else float(_dot(weights, ll))


def _dot(left, right) -> float:
    """Σ left × right without BLAS: OpenBLAS's threaded ``dot`` on a shared 2-core machine
    took 16 ms for 23,570 values instead of 0.05 ms."""
    return float(np.multiply(left, right).sum())


def _compress(*columns, compress: bool):
    """Identical customers contribute identical terms: fit on unique rows with counts."""
    stacked = np.column_stack([np.asarray(c, dtype=float) for c in columns])
    if not compress:
        return [stacked[:, i] for i in range(stacked.shape[1])], np.ones(stacked.shape[0])
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype(float)


def _fit(objective, start) -> np.ndarray:
    """Minimise ``objective(log_params) -> (value, gradient)``; positive parameters."""
    result = minimize(
        objective,
        np.log(start),
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-12, "gtol": 1e-8, "maxiter": 1000},
    )
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun):
        raise FitError(f"the fit did not converge: {result.message}")
    return np.exp(result.x)


def _levels(x, weights):
    """Repeat counts take few values: the special functions of x are computed once per
    value and summed with the total weight of the customers at that value."""
    levels, level_of = np.unique(x, return_inverse=True)
    return levels, level_of, np.bincount(level_of, weights=weights, minlength=levels.size)


def _bgnbd_value_and_gradient(params, x, tx, T, weights, levels):
    """The summed log-likelihood and its gradient in (r, α, a, b): the analytic gradient
    needs several times fewer evaluations than finite differences."""
    r, alpha, a, b = params
    lv, level_of, lw = levels
    repeat = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_b_x1 = np.where(lv > 0, np.log(np.where(lv > 0, b + lv - 1, 1.0)), 0.0)
        inv_b_x1 = np.where(lv > 0, 1 / np.where(lv > 0, b + lv - 1, 1.0), 0.0)
    log_t, log_tx = np.log(alpha + T), np.log(alpha + tx)
    a3 = -(r + x) * log_t
    a4 = np.where(repeat, np.log(a) - log_b_x1[level_of] - (r + x) * log_tx, -np.inf)
    tail = np.logaddexp(a3, a4)
    w3, w4 = (
        weights * np.exp(a3 - tail),
        weights * np.exp(a4 - tail),
    )  # weighted shares of the two terms
    per_level = (
        gammaln(r + lv)
        - gammaln(r)
        + r * np.log(alpha)
        + gammaln(a + b)
        + gammaln(b + lv)
        - gammaln(b)
        - gammaln(a + b + lv)
    )
    value = float(_dot(lw, per_level) + _dot(weights, tail))
    psi_abx = digamma(a + b + lv)
    dr = _dot(lw, digamma(r + lv) - digamma(r) + np.log(alpha)) - _dot(w3, log_t) - _dot(w4, log_tx)
    dalpha = lw.sum() * r / alpha - _dot(r + x, w3 / (alpha + T) + w4 / (alpha + tx))
    da = _dot(lw, digamma(a + b) - psi_abx) + w4.sum() / a
    db = _dot(lw, digamma(a + b) + digamma(b + lv) - digamma(b) - psi_abx) - _dot(
        w4, inv_b_x1[level_of]
    )
    return value, np.array([dr, dalpha, da, db])


def fit_bgnbd(frequency, recency, T, *, compress: bool = False) -> BGNBD:
    """Maximum-likelihood fit. Start: r = 1, α = mean T (rates per observation length),
    a = b = 1; parameters optimised on their logarithms so they stay positive.
    ``compress=True`` makes customers with the same history one weighted row: worth it
    only when most histories repeat (finding them costs more than the fit on CDNOW)."""
    (x, tx, tt), weights = _compress(frequency, recency, T, compress=compress)
    if weights.size == 0:
        raise FitError("no customers to fit")
    total = weights.sum()
    levels = _levels(x, weights)

    def objective(log_params):
        params = np.exp(log_params)
        value, gradient = _bgnbd_value_and_gradient(params, x, tx, tt, weights, levels)
        if not np.isfinite(value):
            return 1e300, np.zeros(4)
        return -value / total, -gradient * params / total

    r, alpha, a, b = _fit(
        objective, [1.0, max(float(np.average(tt, weights=weights)), 1e-3), 1.0, 1.0]
    )
    return BGNBD(float(r), float(alpha), float(a), float(b))


def _tail(model: BGNBD, x, tx, T):
    """δ(x>0) · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x): the odds that the customer already left."""
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = (
            model.a
            / (model.b + x - 1)
            * np.exp((model.r + x) * (np.log(model.alpha + T) - np.log(model.alpha + tx)))
        )
    return np.where(x > 0, odds, 0.0)


def probability_alive(model: BGNBD, frequency, recency, T) -> np.ndarray:
    """P(still a customer | history) = 1 / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+tₓ))^(r+x))."""
    x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    return 1.0 / (1.0 + _tail(model, x, tx, T))


def expected_purchases(model: BGNBD, t, frequency, recency, T) -> np.ndarray:
    """Expected purchases in the next ``t`` weeks given the history (paper eq. 10)."""
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    t = np.asarray(t, dtype=float)
    head = (a + b + x - 1) / (a - 1)
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    body = 1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp
    return head * body / (1 + _tail(model, x, tx, T))


# --- Gamma-Gamma ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GammaGamma:
    """Order value ~ Gamma(p, ν) per customer, ν ~ Gamma(q, γ) across customers. The
    shop-wide mean order value is p·γ / (q − 1)."""

    p: float
    q: float
    gamma: float

    @property
    def population_mean(self) -> float:
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


def gamma_gamma_log_likelihood(params, frequency, monetary, weights=None):
    """Log-likelihood of the mean repeat order values m of customers with x repeats."""
    p, q, v = params
    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
    ll = (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )
    return ll if weights is None else float(_dot(weights, ll))


def fit_gamma_gamma(frequency, monetary, *, compress: bool = False) -> GammaGamma:
    """Fit on the repeat buyers with a positive mean order value (others carry no
    information on order value). Start: p = q = 2, γ = mean order value."""
    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
    keep = (x > 0) & (m > 0)
    if not keep.any():
        raise FitError("Gamma-Gamma needs at least one repeat buyer with a positive order value")
    (x, m), weights = _compress(x[keep], m[keep], compress=compress)
    total = weights.sum()
    lv, level_of, lw = _levels(x, weights)
    fixed = float(_dot(weights, x * (np.log(x) + np.log(m))))  # Σ w x (log x + log m)
    log_m_sum = float(_dot(weights, np.log(m)))
    wx = weights * x

    def objective(log_params):
        p, q, v = params = np.exp(log_params)
        log_xmv = np.log(x * m + v)
        # Σ w [gammaln(px+q) − gammaln(px) − gammaln(q) + q log v + (px−1) log m + px log x − (px+q) log(xm+v)]
        value = (
            _dot(lw, gammaln(p * lv + q) - gammaln(p * lv) - gammaln(q) + q * np.log(v))
            + p * fixed
            - log_m_sum
            - _dot(weights * (p * x + q), log_xmv)
        )
        if not np.isfinite(value):
            return 1e300, np.zeros(3)
        shared = digamma(p * lv + q)
        dp = _dot(lw * lv, shared - digamma(p * lv)) + fixed - _dot(wx, log_xmv)
        dq = _dot(lw, shared - digamma(q) + np.log(v)) - _dot(weights, log_xmv)
        dv = total * q / v - _dot(weights * (p * x + q), 1 / (x * m + v))
        gradient = np.array([dp, dq, dv])
        return -value / total, -gradient * params / total

    p, q, v = _fit(objective, [2.0, 2.0, float(np.average(m, weights=weights))])
    return GammaGamma(float(p), float(q), float(v))


def expected_order_value(model: GammaGamma, frequency, monetary) -> np.ndarray:
    """E[order value | x, m] = p (γ + x m) / (p x + q − 1): the customer's own mean
    weighted against the shop's mean; the shop's mean for customers without repeats."""
    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
    m = np.where(x > 0, m, 0.0)
    return model.p * (model.gamma + x * m) / (model.p * x + model.q - 1)


def clv(
    bgnbd: BGNBD,
    gg: GammaGamma,
    frequency,
    recency,
    T,
    monetary,
    *,
    months: int = 12,
    annual_discount_rate: float = 0.10,
) -> np.ndarray:
    """Discounted value of the next ``months`` months: Σᵢ (E[X(i)] − E[X(i−1)]) × E[value]
    / (1 + d)ⁱ, with d the monthly rate equivalent to ``annual_discount_rate``
    ((1 + annual)^(1/12) − 1) and the purchases of month i discounted at its end."""
    monthly = (1 + annual_discount_rate) ** (1 / 12) - 1
    value = expected_order_value(gg, frequency, monetary)
    total = np.zeros(np.shape(np.asarray(frequency)), dtype=float)
    previous = 0.0
    for month in range(1, months + 1):
        cumulative = expected_purchases(bgnbd, month * MONTH_WEEKS, frequency, recency, T)
        total = total + (cumulative - previous) * value / (1 + monthly) ** month
        previous = cumulative
    return total
