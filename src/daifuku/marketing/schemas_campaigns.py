"""API shapes of campaigns (``/api/v1/campaigns``). Inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from daifuku.customers.schemas import Strict

MERGE_HELP = (
    "Subject and bodies take merge fields in {{ }}: family_name, given_name, "
    "display_name (「田中 太郎 様」), rank …"
)


class CampaignIn(Strict):
    name: str
    segment_id: int = Field(description="The segment or fixed list to send to")
    subject: str = Field("", description=MERGE_HELP)
    html: str = ""
    text: str = ""
    template_id: int | None = Field(
        None, description="Copy subject and bodies from this template where they are empty"
    )
    persona_id: int | None = None
    topic_id: int | None = None
    is_advertising: bool | None = Field(
        None,
        description="Advertising mail (特定電子メール法) goes only to people with an opt-in "
        "consent on record; default true (or the template's)",
    )
    send_at: dt.datetime | None = Field(None, description="Schedule the send; empty = a draft")
    variants: list[str] = Field(
        default_factory=list, description="A/B test: two or more subjects (labels A, B, …)"
    )
    ab_share: int | None = Field(None, description="Percent of the audience in the A/B test")
    ab_metric: str | None = Field(None, description="open or click: how the winner is chosen")
    ab_wait_hours: int | None = Field(None, description="Hours before the winner is chosen")


class VariantOut(Schema):
    label: str
    subject: str
    is_winner: bool


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    segment_id: int
    template_id: int | None
    persona_id: int | None
    topic_id: int | None
    subject: str
    html: str
    text: str
    is_advertising: bool
    send_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    ab_share: int
    ab_metric: str
    ab_wait_hours: int
    variants: list[VariantOut]
    skipped: dict[str, int]
    problems: list[dict]
    owner: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CampaignList(Schema):
    items: list[CampaignOut]


class Counts(Schema):
    sent: int
    delivered: int
    bounced: int
    failed: int
    opened: int
    clicked: int
    unsubscribed: int
    complained: int
    machine_opened: int
    conversions: int
    revenue: int
    unknown: int
    pending: int
    open_rate: float
    click_rate: float


class VariantStats(Counts):
    label: str
    subject: str
    is_winner: bool


class StatsOut(Counts):
    status: str
    skipped_no_consent: int
    skipped_opted_out: int
    skipped_suppressed: int
    skipped_topic_refused: int
    skipped_no_address: int
    skipped_duplicate: int
    variants: list[VariantStats]
