"""API shapes of sales. Inputs forbid unknown fields (a typo is an error, not lost data)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from daifuku.customers.schemas import Strict


class LostReasonOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool


class LostReasonList(Schema):
    items: list[LostReasonOut]


class StageOut(Schema):
    id: int
    name: str
    position: int
    probability: int
    kind: str
    rotting_days: int | None = None


class PipelineOut(Schema):
    id: int
    name: str
    is_active: bool
    stages: list[StageOut]


class StageIn(Strict):
    name: str
    probability: int = 0
    kind: str = "open"
    rotting_days: int | None = None


class PipelineIn(Strict):
    name: str
    stages: list[StageIn] | None = Field(None, description="ordered; default: the usual B2B stages")


class StagePatch(Strict):
    name: str | None = None
    probability: int | None = None
    position: int | None = None
    rotting_days: int | None = None


class ProductIn(Strict):
    code: str
    name: str
    unit_price: int
    tax_category: str = "standard"
    unit: str = ""
    category: str = ""


class ProductPatch(Strict):
    code: str | None = None
    name: str | None = None
    unit_price: int | None = None
    tax_category: str | None = None
    unit: str | None = None
    category: str | None = None
    is_active: bool | None = None


class ProductOut(Schema):
    id: int
    code: str
    name: str
    unit_price: int
    tax_category: str
    unit: str
    category: str
    is_active: bool


class LineIn(Strict):
    product_id: int | None = None
    name: str | None = None
    quantity: int = 1
    unit_price: int | None = None
    tax_category: str | None = None


class LinePatch(Strict):
    name: str | None = None
    quantity: int | None = None
    unit_price: int | None = None
    tax_category: str | None = None


class LineOut(Schema):
    id: int
    product_id: int | None
    name: str
    quantity: int
    unit_price: int
    tax_category: str
    total: int


class DealContactIn(Strict):
    person_id: int
    role: str = ""


class DealIn(Strict):
    title: str
    company_id: int | None = None
    person_id: int | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    amount: int = 0
    expected_close: dt.date
    probability: int | None = Field(None, description="0–100; the stage's default when omitted")
    forecast_category: str = "pipeline"
    source: str = ""
    competitors: list[str] = []
    description: str = ""
    owner: str | None = Field(None, description="username; the caller by default")
    lost_reason_id: int | None = Field(None, description="required when stage_id is a lost stage")
    contacts: list[DealContactIn] = []
    lines: list[LineIn] = []


class DealPatch(Strict):
    title: str | None = None
    company_id: int | None = None
    person_id: int | None = None
    amount: int | None = None
    amount_from_lines: bool | None = None
    expected_close: dt.date | None = None
    probability: int | None = None
    forecast_category: str | None = None
    source: str | None = None
    competitors: list[str] | None = None
    description: str | None = None
    owner: str | None = None


class MoveIn(Strict):
    stage_id: int
    reason: str = ""
    lost_reason_id: int | None = None


class DealOut(Schema):
    id: int
    title: str
    company_id: int | None
    person_id: int | None
    owner: str | None
    team_id: int | None
    pipeline_id: int
    stage_id: int
    stage: str
    status: str
    amount: int
    amount_from_lines: bool
    expected_close: dt.date | None
    probability: int
    probability_overridden: bool
    weighted_amount: int
    forecast_category: str
    source: str
    competitors: list[str]
    description: str
    closed_at: dt.datetime | None
    close_reason: str
    lost_reason_id: int | None = None
    stage_entered_at: dt.datetime
    last_touch_at: dt.datetime | None
    stalled_at: dt.datetime | None
    stalled_reason: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class DealDetailOut(DealOut):
    lines: list[LineOut]
    contacts: list[dict]


class StageChangeOut(Schema):
    id: int
    from_stage_id: int | None
    to_stage_id: int
    changed_at: dt.datetime
    changed_by: str | None
    days_in_from: float | None


class TargetIn(Strict):
    metric: str
    period: str = Field(..., description="2026-05, 2026-Q1 (fiscal) or FY2026")
    value: int
    user: str | None = Field(None, description="username")
    team_id: int | None = None


class TargetOut(Schema):
    id: int
    metric: str
    period: str
    starts_on: dt.date
    ends_on: dt.date
    value: int
    user: str | None
    team_id: int | None
    actual: int | None = None
    forecast: int | None = None
    attainment_percent: float | None = None


class QuoteOut(Schema):
    id: int
    number: str
    deal_id: int
    issued_on: dt.date
    valid_until: dt.date
    subtotal: int
    tax: int
    total: int
    tax_breakdown: list[dict]
    rounding: str
    pdf_url: str


class QuoteIn(Strict):
    notes: str = ""
