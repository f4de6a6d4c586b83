"""Shapes of analytics' ``/api/v1/`` endpoints, in one place: a customer's figures
(``api``), advocacy (``api_advocacy``), and the business figures, CLV and recommendations
(``api_business``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

# a customer's figures (api.py)


class RFMOut(Schema):
    r: int = Field(description="recency score 1–5 (5 = bought most lately)")
    f: int = Field(description="frequency score 1–5")
    m: int = Field(description="monetary score 1–5")


class MetricsOut(Schema):
    as_of: dt.date
    order_count: int = Field(
        description="purchases: orders whose total after returns is above zero"
    )
    total: int = Field(description="yen, tax included, net of returns")
    average_order_value: int = Field(description="total ÷ purchases, rounded down (yen)")
    ltv: int = Field(description="average order value × purchases (yen)")
    first_order_at: dt.datetime | None
    last_order_at: dt.datetime | None
    recency_days: int | None = Field(description="days from the last purchase to as_of")
    days_to_second_purchase: int | None
    buyer_type: str = Field(description="none, first or repeat")
    churn_risk: str | None = Field(description="low, medium or high")
    rfm: RFMOut | None = Field(description="null for a customer without purchases")
    rank: str | None
    predicted_clv: int | None = Field(
        description="yen over the next 12 months (null until the CLV model is fitted)"
    )
    p_alive: float | None


class MetricsQuery(Schema):
    as_of: str | None = Field(None, description="YYYY-MM-DD (today by default)")


# advocacy (api_advocacy.py)


class NpsIn(Schema):
    score: int
    answered_on: dt.date | None = None
    source: str = ""
    comment: str = ""


class NpsOut(Schema):
    id: int
    person_id: int
    score: int
    category: str
    answered_on: dt.date
    source: str
    comment: str


class NpsList(Schema):
    items: list[NpsOut]


class ReferralIn(Schema):
    referred_id: int
    referred_on: dt.date | None = None
    note: str = ""


class ReferralOut(Schema):
    id: int
    referrer_id: int
    referred_id: int
    referred_on: dt.date
    note: str


class ReferralList(Schema):
    made: list[ReferralOut]
    received: list[ReferralOut]


class AdvocateOut(Schema):
    person_id: int
    name: str
    latest_nps: int | None
    nps_on: dt.date | None
    referrals: int


class AdvocateList(Schema):
    rules: dict
    items: list[AdvocateOut]


# business figures, CLV and recommendations (api_business.py)


class CohortQuery(Schema):
    first: str | None = Field(None, alias="from", description="first cohort, YYYY-MM")
    last: str | None = Field(None, alias="to", description="last cohort, YYYY-MM")


class CohortRow(Schema):
    cohort: str
    size: int
    retention: list[float]
    active: list[int]
    revenue: list[int]


class CohortTable(Schema):
    cohorts: list[CohortRow]


class SecondPurchaseQuery(Schema):
    within_days: int = 90
    first: str | None = Field(None, alias="from", description="first purchases from, YYYY-MM-DD")
    last: str | None = Field(None, alias="to", description="first purchases to, YYYY-MM-DD")


class SecondPurchaseOut(Schema):
    first_from: dt.date
    first_to: dt.date
    within_days: int
    first_buyers: int
    converted: int
    rate: float | None


class AsOfQuery(Schema):
    as_of: str | None = None


class RepeatRateOut(Schema):
    as_of: dt.date
    buyers: int
    repeat_buyers: int
    rate: float | None


class ChurnQuery(Schema):
    as_of: str | None = None
    window_days: int = 365


class ChurnOut(Schema):
    as_of: dt.date
    window_days: int
    previous_buyers: int
    churned: int
    rate: float | None


class LtvQuery(Schema):
    by: str = "acquisition"
    as_of: str | None = None


class LtvGroup(Schema):
    group: str
    key: str
    buyers: int
    purchases: int
    revenue: int
    average_order_value: int
    purchases_per_buyer: float
    ltv: int


class LtvOut(Schema):
    by: str
    groups: list[LtvGroup]


class RevenueQuery(Schema):
    by: str = "route"
    first: str | None = Field(None, alias="from", description="YYYY-MM-DD")
    last: str | None = Field(None, alias="to", description="YYYY-MM-DD")


class RevenueGroup(Schema):
    key: int | None
    group: str
    code: str | None = None
    orders: int | None = None
    quantity: int | None = None
    revenue: int | None = None
    revenue_before_tax: int


class RevenueOut(Schema):
    by: str
    start: dt.date
    end: dt.date
    groups: list[RevenueGroup]


class WhatIfQuery(Schema):
    fiscal_year: int | None = None
    as_of: str | None = None
    points: float = 5


class WhatIfPeriod(Schema):
    start: dt.date
    end: dt.date
    buyers: int
    revenue: int | None = None


class WhatIfOut(Schema):
    previous: WhatIfPeriod
    current: WhatIfPeriod
    retained: int
    retention: float
    average_order_value: int
    purchases_per_retained: float
    points: float
    projected_revenue: int
    projected_revenue_with_points: int
    gain: int
    gain_share_of_current_revenue: float | None


class LimitQuery(Schema):
    limit: int = 20


class ProductRef(Schema):
    product_id: int
    code: str
    name: str
    unit_price: int


class PairOut(Schema):
    a: ProductRef | None
    b: ProductRef | None
    orders_together: int
    support: float
    confidence_ab: float
    confidence_ba: float
    lift: float


class PairList(Schema):
    items: list[PairOut]


class UpsellPath(Schema):
    category: str
    from_product: ProductRef
    to_product: ProductRef
    customers: int
    median_days: float


class UpsellList(Schema):
    items: list[UpsellPath]


class ClvQuery(Schema):
    calibration_end: str | None = None
    period: str = "week"
    refresh: bool = False


class BgNbdParams(Schema):
    r: float
    alpha: float
    a: float
    b: float


class GammaGammaParams(Schema):
    p: float
    q: float
    gamma: float


class ClvCurrencyFit(Schema):
    currency: str
    bgnbd: BgNbdParams
    gamma_gamma: GammaGammaParams  # in the minor unit of the currency (yen, cents)
    customers: int
    repeat_buyers: int


class ClvFitOut(Schema):
    """The fit of the shop's main currency; ``by_currency``: each currency fitted."""

    calibration_end: dt.date
    period: str
    currency: str
    bgnbd: BgNbdParams
    gamma_gamma: GammaGammaParams
    customers: int
    repeat_buyers: int
    by_currency: dict[str, ClvCurrencyFit]
    fitted_at: dt.datetime
    job_id: int | None


class ClvJobOut(Schema):
    status: str
    job_id: int
    progress_done: int
    progress_total: int | None
    message: str


class RecommendationQuery(Schema):
    limit: int = 5


class Recommendation(Schema):
    rank: int
    product_id: int
    code: str
    name: str
    unit_price: int
    reason: str
    because_of: ProductRef | None
    lift: float | None
    confidence: float | None
    orders: int
    # reason "viewed": how often the person looked at it on the site (last 90 days)
    views: int | None = None
    explanation: str


class RecommendationList(Schema):
    person_id: int
    items: list[Recommendation]
