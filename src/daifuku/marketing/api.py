"""``/api/v1/segments``: thin adapters over marketing's selectors and services."""

from __future__ import annotations

from dataclasses import asdict

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from daifuku.accounts.permissions import CHANGE, DELETE
from daifuku.core.conditional import if_match_version
from daifuku.core.errors import ValidationFailed

from . import selectors, services
from .api_campaigns import router as campaigns_router
from .models import Segment
from .schemas import (
    CountOut,
    FieldList,
    ImportIn,
    ListChangeOut,
    MemberPage,
    PersonIdsIn,
    RulesIn,
    SegmentIn,
    SegmentList,
    SegmentOut,
    SegmentPatch,
)

router = Router(tags=["marketing"])
router.add_router("", campaigns_router)  # /api/v1/campaigns (api_campaigns.py)


def segment_dict(segment: Segment) -> dict:
    return {
        "id": segment.pk,
        "name": segment.name,
        "description": segment.description,
        "kind": segment.kind,
        "rules": segment.rules,
        "owner": segment.owner.get_username() if segment.owner_id else None,
        "version": segment.version,
        "created_at": segment.created_at,
        "updated_at": segment.updated_at,
    }


@router.get("/segments", response=SegmentList, summary="Every segment, by name")
def list_segments(request):
    return {"items": [segment_dict(s) for s in selectors.list_segments(request.auth)]}


@router.post("/segments", response={201: SegmentOut}, summary="Define a segment (rules or a list)")
def create_segment(request, payload: SegmentIn):
    segment = services.create_segment(actor=request.auth, data=payload.model_dump())
    return Status(201, segment_dict(selectors.get_segment(request.auth, segment.pk)))


@router.get(
    "/segments/fields",
    response=FieldList,
    summary="The conditions a rule may use: fields, operators, values (Japanese labels)",
)
def segment_fields(request):
    return {"items": selectors.builder_fields()}


@router.post(
    "/segments/count",
    response=CountOut,
    summary="How many customers (that you may read) a rule tree selects, without saving it",
)
def count_rules(request, payload: RulesIn):
    return {"count": selectors.count_rules(request.auth, payload.rules)}


@router.get("/segments/{segment_id}", response=SegmentOut, summary="One segment")
def get_segment(request, segment_id: int):
    return segment_dict(selectors.get_segment(request.auth, segment_id))


@router.patch(
    "/segments/{segment_id}",
    response=SegmentOut,
    summary="Rename a segment or change its rules (If-Match: the version read)",
)
def update_segment(request, segment_id: int, payload: SegmentPatch):
    segment = selectors.get_segment(request.auth, segment_id, CHANGE)
    segment = services.update_segment(
        actor=request.auth,
        segment=segment,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match_version(request, segment.version),
    )
    return segment_dict(selectors.get_segment(request.auth, segment.pk))


@router.delete("/segments/{segment_id}", response={204: None}, summary="Delete a segment")
def delete_segment(request, segment_id: int):
    segment = selectors.get_segment(request.auth, segment_id, DELETE)
    services.delete_segment(actor=request.auth, segment=segment)
    return Status(204, None)


@router.get(
    "/segments/{segment_id}/count",
    response=CountOut,
    summary="How many of the segment's people you may read",
)
def count_segment(request, segment_id: int, type: str = "person"):  # noqa: A002  (the contract's word)
    segment = selectors.get_segment(request.auth, segment_id)
    return {"count": selectors.count_members(request.auth, segment, _member_type(type))}


def _member_type(value: str) -> str:
    """``person`` (the segment's people) or ``company`` (their companies, through key persons)."""
    if value not in ("person", "company"):
        raise ValidationFailed({"type": [_("Use person or company.")]}, code="invalid_type")
    return value


class MemberQuery(Schema):
    cursor: str | None = None
    limit: int = 100
    type: str = "person"


@router.get(
    "/segments/{segment_id}/members",
    response=MemberPage,
    summary="The segment's people you may read, in id order (cursor pages of {type, id})",
)
def segment_members(request, segment_id: int, params: Query[MemberQuery]):
    if not 1 <= params.limit <= 1000:
        raise ValidationFailed(
            {"limit": [_("Use a limit between 1 and 1000.")]}, code="invalid_limit"
        )
    kind = _member_type(params.type)
    segment = selectors.get_segment(request.auth, segment_id)
    page = selectors.member_ids_page(
        request.auth, segment, cursor=params.cursor, size=params.limit, kind=kind
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/segments/{segment_id}/members",
    response=ListChangeOut,
    summary="Put people onto a fixed list",
)
def add_members(request, segment_id: int, payload: PersonIdsIn):
    segment = selectors.get_segment(request.auth, segment_id, CHANGE)
    change = services.add_members(
        actor=request.auth, segment=segment, person_ids=payload.person_ids
    )
    return asdict(change)


@router.post(
    "/segments/{segment_id}/members/remove",
    response=ListChangeOut,
    summary="Take people off a fixed list",
)
def remove_members(request, segment_id: int, payload: PersonIdsIn):
    segment = selectors.get_segment(request.auth, segment_id, CHANGE)
    change = services.remove_members(
        actor=request.auth, segment=segment, person_ids=payload.person_ids
    )
    return asdict(change)


@router.post(
    "/segments/{segment_id}/members/import",
    response=ListChangeOut,
    summary="Add people to a fixed list by ids, e-mail addresses or member numbers",
)
def import_members(request, segment_id: int, payload: ImportIn):
    segment = selectors.get_segment(request.auth, segment_id, CHANGE)
    change = services.import_members(actor=request.auth, segment=segment, text=payload.text)
    return asdict(change)
