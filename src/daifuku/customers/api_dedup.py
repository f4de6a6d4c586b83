"""``/api/v1/duplicates`` (名寄せ review queue, probable-duplicate check, merge, not a
duplicate, scan) and ``/api/v1/merges`` (merge two records directly, undo a merge)."""

from __future__ import annotations

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict

from daifuku.accounts.permissions import CHANGE
from daifuku.core.errors import ValidationFailed

from . import selectors
from .dedup import selectors as dedup_selectors
from .dedup.services import decisions as dedup_services
from .dedup.services.merge import merge_companies, merge_people, undo_merge

router = Router(tags=["duplicates"])


class Member(Schema):
    type: str
    id: int
    display_name: str
    kana: str
    email: str | None = None
    phone: str | None = None


class GroupOut(Schema):
    id: int
    members: list[Member]
    score: int
    reasons: list[str]
    pairs: list[dict]
    status: str


class GroupPage(Schema):
    items: list[GroupOut]
    next_cursor: str | None = None


def _member(entity_type: str, obj) -> dict:
    emails = list(obj.emails.all())
    phones = list(obj.phones.all())
    return {
        "type": entity_type,
        "id": obj.pk,
        "display_name": obj.display_name,
        "kana": obj.full_kana if entity_type == "person" else obj.kana,
        "email": emails[0].address if emails else None,
        "phone": phones[0].number if phones else None,
    }


def group_dict(group) -> dict:
    return {
        "id": group.pk,
        "members": [_member(group.entity_type, m) for m in dedup_selectors.members_of(group)],
        "score": group.score,
        "reasons": group.reasons,
        "pairs": group.pairs,
        "status": group.status,
    }


class GroupQuery(Schema):
    type: str = ""
    status: str = "open"
    cursor: str | None = None
    limit: int = 20


@router.get(
    "/duplicates", response=GroupPage, summary="Duplicate candidate groups, strongest first"
)
def list_duplicates(request, params: Query[GroupQuery]):
    if params.type not in ("", "person", "company"):
        raise ValidationFailed({"type": ["Use person or company."]})
    if params.status not in ("open", "merged", "dismissed"):
        raise ValidationFailed({"status": ["Use open, merged or dismissed."]})
    if not 1 <= params.limit <= 100:
        raise ValidationFailed({"limit": ["Use a limit between 1 and 100."]}, code="invalid_limit")
    page = dedup_selectors.list_groups(
        request.auth,
        entity_type=params.type,
        status=params.status,
        cursor=params.cursor,
        size=params.limit,
    )
    return {"items": [group_dict(g) for g in page.items], "next_cursor": page.next_cursor}


class CheckQuery(Schema):
    family_name: str = ""
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    email: str = ""
    phone: str = ""
    birthday: str = ""
    postal_code: str = ""
    address_line: str = ""


class CheckHit(Schema):
    type: str
    id: int
    display_name: str
    email: str
    score: int
    reasons: list[str]


class CheckOut(Schema):
    items: list[CheckHit]


@router.get(
    "/duplicates/check",
    response=CheckOut,
    summary="Probable duplicates of a person about to be created",
)
def check_duplicates(request, params: Query[CheckQuery]):
    found = dedup_selectors.probable_duplicates(request.auth, params.model_dump())
    return {
        "items": [
            {
                "type": "person",
                "id": f["person"].pk,
                "display_name": f["person"].display_name,
                "email": f["email"],
                "score": f["score"],
                "reasons": f["reasons"],
            }
            for f in found
        ]
    }


class ScanIn(Schema):
    model_config = ConfigDict(extra="forbid")
    type: str = "person"


@router.post(
    "/duplicates/scan", response={202: dict}, summary="Scan the ledger for duplicates (a job)"
)
def scan_duplicates(request, payload: ScanIn):
    job = dedup_services.start_scan(actor=request.auth, entity_type=payload.type)
    return Status(202, {"job_id": job.pk})


@router.get("/duplicates/{group_id}", response=GroupOut)
def get_duplicate(request, group_id: int):
    return group_dict(dedup_selectors.get_group(request.auth, group_id))


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    survivor_id: int
    loser_ids: list[int] | None = None
    choices: dict[str, str] = {}


class MergeOut(Schema):
    journal_ids: list[int]
    survivor_id: int


@router.post(
    "/duplicates/{group_id}/merge", response=MergeOut, summary="Merge a group into one record"
)
def merge_duplicate(request, group_id: int, payload: MergeIn):
    group = dedup_selectors.get_group(request.auth, group_id, CHANGE)
    journals = dedup_services.merge_group(
        actor=request.auth,
        group=group,
        survivor_id=payload.survivor_id,
        choices=payload.choices,
        loser_ids=payload.loser_ids,
    )
    return {"journal_ids": [j.pk for j in journals], "survivor_id": payload.survivor_id}


@router.post(
    "/duplicates/{group_id}/dismiss",
    response=GroupOut,
    summary="Not duplicates: never propose again",
)
def dismiss_duplicate(request, group_id: int):
    group = dedup_services.dismiss_group(
        actor=request.auth, group=dedup_selectors.get_group(request.auth, group_id, CHANGE)
    )
    return group_dict(group)


class DirectMergeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    type: str = "person"
    survivor_id: int
    loser_id: int
    choices: dict[str, str] = {}


class JournalOut(Schema):
    id: int
    type: str
    survivor_id: int
    loser_id: int
    status: str
    field_changes: dict
    rows: int


def journal_dict(j) -> dict:
    return {
        "id": j.pk,
        "type": j.entity_type,
        "survivor_id": j.survivor_id,
        "loser_id": j.loser_id,
        "status": j.status,
        "field_changes": j.field_changes,
        "rows": j.entries.count(),
    }


@router.post("/merges", response={201: JournalOut}, summary="Merge two records directly")
def create_merge(request, payload: DirectMergeIn):
    if payload.type == "person":
        survivor = selectors.get_person(request.auth, payload.survivor_id, CHANGE)
        loser = selectors.get_person(request.auth, payload.loser_id, CHANGE)
        journal = merge_people(
            actor=request.auth, survivor=survivor, loser=loser, choices=payload.choices
        )
    elif payload.type == "company":
        survivor = selectors.get_company(request.auth, payload.survivor_id, CHANGE)
        loser = selectors.get_company(request.auth, payload.loser_id, CHANGE)
        journal = merge_companies(
            actor=request.auth, survivor=survivor, loser=loser, choices=payload.choices
        )
    else:
        raise ValidationFailed({"type": ["Use person or company."]})
    return Status(201, journal_dict(journal))


@router.get("/merges/{journal_id}", response=JournalOut)
def get_merge(request, journal_id: int):
    return journal_dict(dedup_selectors.get_journal(request.auth, journal_id, "view"))


@router.post(
    "/merges/{journal_id}/undo",
    response=JournalOut,
    summary="Undo a merge exactly (409 undo_conflict lists what changed since)",
)
def undo(request, journal_id: int):
    journal = undo_merge(
        actor=request.auth, journal=dedup_selectors.get_journal(request.auth, journal_id, CHANGE)
    )
    return journal_dict(journal)
