"""Shapes of the business-figure, CLV and recommendation endpoints (``api_business``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


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


class ClvFitOut(Schema):
    calibration_end: dt.date
    period: str
    bgnbd: BgNbdParams
    gamma_gamma: GammaGammaParams
    customers: int
    repeat_buyers: int
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
    explanation: str


class RecommendationList(Schema):
    person_id: int
    items: list[Recommendation]
