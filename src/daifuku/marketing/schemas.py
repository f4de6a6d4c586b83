"""API shapes of marketing. Inputs forbid unknown fields (a typo is an error, not lost data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from daifuku.customers.schemas import Strict

RULES_HELP = (
    'The rule tree: {"all": [...]} or {"any": [...]} of conditions {"field", "op", "value"} '
    '(and "period_days" where the field takes one) or nested groups. '
    "GET /api/v1/segments/fields lists the fields, their operators and values."
)


class SegmentIn(Strict):
    name: str
    description: str = ""
    kind: str = Field("dynamic", description="dynamic (rules) or static (a fixed list)")
    rules: dict[str, Any] | None = Field(None, description=RULES_HELP)


class SegmentPatch(Strict):
    name: str | None = None
    description: str | None = None
    rules: dict[str, Any] | None = Field(None, description=RULES_HELP)


class SegmentOut(Schema):
    id: int
    name: str
    description: str
    kind: str
    rules: dict[str, Any]
    owner: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class SegmentList(Schema):
    items: list[SegmentOut]


class RulesIn(Strict):
    rules: dict[str, Any] = Field(description=RULES_HELP)


class CountOut(Schema):
    count: int


class MemberOut(Schema):
    type: str
    id: int


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class PersonIdsIn(Strict):
    person_ids: list[int]


class ImportIn(Strict):
    text: str = Field(
        description="customer ids, e-mail addresses or member numbers (会員番号), one per "
        "line or in the first column of a CSV"
    )


class ListChangeOut(Schema):
    added: int
    already: int
    removed: int
    not_found: list[str]


class OperatorOut(Schema):
    op: str
    label: str


class ChoiceOut(Schema):
    value: int | str
    label: str


class FieldOut(Schema):
    key: str
    label: str
    group: str
    group_label: str
    kind: str
    operators: list[OperatorOut]
    choices: list[ChoiceOut]
    period: bool
    unit: str
    minimum: int | None
    maximum: int | None
    help: str


class FieldList(Schema):
    items: list[FieldOut]
