"""API shapes of activities. Inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from daifuku.customers.schemas import Strict


class TouchIn(Strict):
    person_id: int | None = None
    company_id: int | None = None
    kind: str = "visit"
    occurred_at: dt.datetime | None = Field(None, description="ISO 8601; defaults to now")
    duration_minutes: int | None = None
    summary: str
    body: str = Field("", description="Markdown; sanitised when rendered")
    outcome: str = ""
    mood: str = ""
    follow_up: bool = False
    is_private: bool = False
    subject_type: str = Field("", description='e.g. "sales.deal"')
    subject_id: int | None = None


class TouchPatch(Strict):
    kind: str | None = None
    occurred_at: dt.datetime | None = None
    duration_minutes: int | None = None
    summary: str | None = None
    body: str | None = None
    outcome: str | None = None
    mood: str | None = None
    follow_up: bool | None = None
    is_private: bool | None = None


class AttachmentOut(Schema):
    id: int
    touch_id: int
    name: str
    content_type: str
    size: int
    is_image: bool
    download_url: str
    thumbnail_url: str | None
    created_at: dt.datetime


class TouchOut(Schema):
    id: int
    kind: str
    occurred_at: dt.datetime
    duration_minutes: int | None
    rep: str
    rep_id: int
    person_id: int | None
    company_id: int | None
    subject_type: str
    subject_id: int | None
    summary: str
    body: str
    body_html: str
    outcome: str
    mood: str
    follow_up: bool
    is_private: bool
    attachments: list[AttachmentOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class NextActionIn(Strict):
    person_id: int | None = None
    company_id: int | None = None
    title: str
    due_at: dt.datetime
    assignee: str | None = Field(None, description="username; defaults to you")
    kind: str = ""
    duration_minutes: int | None = None
    priority: str = "normal"
    notes: str = ""
    remind_minutes_before: int = 30
    subject_type: str = ""
    subject_id: int | None = None


class NextActionPatch(Strict):
    title: str | None = None
    due_at: dt.datetime | None = None
    assignee: str | None = None
    kind: str | None = None
    duration_minutes: int | None = None
    priority: str | None = None
    notes: str | None = None
    remind_minutes_before: int | None = None


class CompleteIn(Strict):
    touch_id: int | None = Field(None, description="the touch that did it (optional)")


class NextActionOut(Schema):
    id: int
    title: str
    due_at: dt.datetime
    kind: str
    duration_minutes: int | None
    assignee: str
    assignee_id: int
    person_id: int | None
    company_id: int | None
    subject_type: str
    subject_id: int | None
    priority: str
    status: str
    notes: str
    completed_at: dt.datetime | None
    completed_touch_id: int | None
    created_at: dt.datetime


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None
