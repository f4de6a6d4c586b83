"""API shapes of the customer ledger. Inputs forbid unknown fields so a typo in an
integration is an error, not silently dropped data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class EmailIn(Strict):
    address: str
    label: str = ""
    is_primary: bool = False


class PhoneIn(Strict):
    number: str
    kind: str | None = None
    is_primary: bool = False


class PersonIn(Strict):
    family_name: str
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    email: str | None = None
    phone: str | None = None
    emails: list[EmailIn | str] | None = None
    phones: list[PhoneIn | str] | None = None
    postal_code: str = ""
    prefecture: str = ""
    city: str = ""
    address_line: str = ""
    building: str = ""
    birthday: dt.date | None = None
    gender: str = ""
    preferences: str = ""
    notes: str = ""
    member_number: str = Field(
        "", description="会員番号: the number the shop's systems know the customer by"
    )
    relationship_stage: str | None = None
    lifecycle: str | None = None
    source_channel: str = ""
    owner: str | None = Field(None, description="username")
    team: int | None = None
    tags: list[str] = []
    custom_fields: dict[str, Any] = {}


class PersonPatch(Strict):
    family_name: str | None = None
    given_name: str | None = None
    family_kana: str | None = None
    given_kana: str | None = None
    email: str | None = None
    phone: str | None = None
    emails: list[EmailIn | str] | None = None
    phones: list[PhoneIn | str] | None = None
    postal_code: str | None = None
    prefecture: str | None = None
    city: str | None = None
    address_line: str | None = None
    building: str | None = None
    birthday: dt.date | None = None
    gender: str | None = None
    preferences: str | None = None
    notes: str | None = None
    member_number: str | None = None
    relationship_stage: str | None = None
    lifecycle: str | None = None
    source_channel: str | None = None
    owner: str | None = None
    team: int | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
    version: int | None = Field(None, description="optimistic concurrency: the version you read")


class EmailOut(Schema):
    address: str
    label: str
    is_primary: bool


class PhoneOut(Schema):
    number: str
    e164: str
    kind: str
    is_primary: bool


class PersonListItem(Schema):
    type: str = "person"
    id: int
    display_name: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    email: str | None
    phone: str | None
    prefecture: str
    city: str
    lifecycle: str
    relationship_stage: str
    owner: str | None
    tags: list[str]
    version: int
    updated_at: dt.datetime


class PersonOut(Schema):
    type: str = "person"
    id: int
    display_name: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    email: str | None
    phone: str | None
    emails: list[EmailOut]
    phones: list[PhoneOut]
    postal_code: str
    prefecture: str
    city: str
    address_line: str
    building: str
    birthday: dt.date | None
    age: int | None
    age_band: str | None
    gender: str
    preferences: str
    notes: str
    member_number: str
    relationship_stage: str
    lifecycle: str
    source_channel: str
    owner: str | None
    team: int | None
    tags: list[str]
    custom_fields: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CompanyIn(Strict):
    name: str
    kana: str = ""
    legal_form: str | None = None
    legal_form_position: str | None = None
    corporate_number: str = ""
    email: str | None = None
    phone: str | None = None
    emails: list[EmailIn | str] | None = None
    phones: list[PhoneIn | str] | None = None
    postal_code: str = ""
    prefecture: str = ""
    city: str = ""
    address_line: str = ""
    building: str = ""
    industry: str = ""
    size: str = ""
    website: str = ""
    notes: str = ""
    owner: str | None = None
    team: int | None = None
    tags: list[str] = []
    custom_fields: dict[str, Any] = {}


class CompanyPatch(Strict):
    name: str | None = None
    kana: str | None = None
    legal_form: str | None = None
    legal_form_position: str | None = None
    corporate_number: str | None = None
    email: str | None = None
    phone: str | None = None
    emails: list[EmailIn | str] | None = None
    phones: list[PhoneIn | str] | None = None
    postal_code: str | None = None
    prefecture: str | None = None
    city: str | None = None
    address_line: str | None = None
    building: str | None = None
    industry: str | None = None
    size: str | None = None
    website: str | None = None
    notes: str | None = None
    owner: str | None = None
    team: int | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
    version: int | None = None


class CompanyOut(Schema):
    type: str = "company"
    id: int
    display_name: str
    name: str
    legal_form: str
    legal_form_position: str
    kana: str
    corporate_number: str
    email: str | None
    phone: str | None
    postal_code: str
    prefecture: str
    city: str
    address_line: str
    building: str
    industry: str
    size: str
    website: str
    notes: str
    owner: str | None
    team: int | None
    tags: list[str]
    custom_fields: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CustomerHit(Schema):
    type: str
    id: int
    display_name: str
    kana: str


class ContactIn(Strict):
    person_id: int
    company_id: int
    department: str = ""
    title: str = ""
    is_key_person: bool = False
    notes: str = ""


class ContactPatch(Strict):
    department: str | None = None
    title: str | None = None
    is_key_person: bool | None = None
    notes: str | None = None


class ContactOut(Schema):
    id: int
    person_id: int
    company_id: int
    person: str
    company: str
    department: str
    title: str
    is_key_person: bool
    notes: str


class HouseholdIn(Strict):
    name: str
    kana: str = ""
    relation: str
    birthday: dt.date | None = None
    notes: str = ""
    linked_person_id: int | None = None


class HouseholdPatch(Strict):
    name: str | None = None
    kana: str | None = None
    relation: str | None = None
    birthday: dt.date | None = None
    notes: str | None = None
    linked_person_id: int | None = None


class HouseholdOut(Schema):
    id: int
    person_id: int
    name: str
    kana: str
    relation: str
    birthday: dt.date | None
    age: int | None
    notes: str
    linked_person_id: int | None


class TagIn(Strict):
    name: str
    color: str = "#6b7280"


class TagOut(Schema):
    id: int
    name: str
    color: str


class CustomFieldIn(Strict):
    target: str
    key: str = ""  # made from the label when empty
    label: str
    field_type: str
    choices: list[str] = []
    required: bool = False
    help_text: str = ""
    position: int = 0


class CustomFieldPatch(Strict):
    label: str | None = None
    choices: list[str] | None = None
    required: bool | None = None
    help_text: str | None = None
    position: int | None = None
    is_active: bool | None = None


class CustomFieldOut(Schema):
    id: int
    target: str
    key: str
    label: str
    field_type: str
    choices: list[str]
    required: bool
    help_text: str
    position: int
    is_active: bool


class ConsentIn(Strict):
    channel: str
    status: str
    method: str
    evidence: str


class ConsentOut(Schema):
    channel: str
    status: str
    method: str
    evidence: str
    recorded_at: dt.datetime
    recorded_by: str | None


class RelationshipStageChangeOut(Schema):
    """One step of a person's relationship stage history (a stable stage code)."""

    stage: str
    reached_on: dt.date
    changed_by: str | None
    recorded_at: dt.datetime


class AuditOut(Schema):
    at: dt.datetime
    actor: str
    via: str
    action: str
    object_type: str
    object_id: int | None
    object_repr: str
    changes: dict[str, Any]


class PostalAreaOut(Schema):
    prefecture: str
    city: str
    town: str
