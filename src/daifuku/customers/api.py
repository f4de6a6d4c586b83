"""``/api/v1/`` endpoints of the customer ledger: thin adapters over selectors and services."""

from __future__ import annotations

import orjson
from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.permissions import CHANGE, DELETE
from daifuku.core.audit import history_for
from daifuku.core.audit_display import visible_entries
from daifuku.core.conditional import if_match_version
from daifuku.core.errors import ConflictError, PreconditionFailed, ValidationFailed
from daifuku.core.japanese import lookup_postal_code, normalize_postal_code

from . import selectors, services
from .models import Contact, HouseholdMember
from .schemas import (
    AuditOut,
    CompanyIn,
    CompanyOut,
    CompanyPatch,
    ConsentIn,
    ConsentOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    CustomerHit,
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldPatch,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    PersonIn,
    PersonListItem,
    PersonOut,
    PersonPatch,
    PostalAreaOut,
    RelationshipStageChangeOut,
    TagIn,
    TagOut,
)
from .selectors import reference
from .serializers import company_dict, contact_dict, household_dict, person_dict, person_row_dict

router = Router(tags=["customers"])


class Page(Schema):
    next_cursor: str | None = None


class HitPage(Page):
    items: list[CustomerHit]


class PeoplePage(Page):
    items: list[PersonListItem]


class CompanyPage(Page):
    items: list[CompanyOut]


def _limit(limit: int) -> int:
    if limit < 1 or limit > 200:
        raise ValidationFailed({"limit": ["Use a limit between 1 and 200."]}, code="invalid_limit")
    return limit


def _payload(schema_obj) -> dict:
    data = schema_obj.model_dump(exclude_unset=True)
    for key in ("emails", "phones"):
        if data.get(key) is not None:
            data[key] = [item if isinstance(item, str) else item for item in data[key]]
    return data


# --- search ------------------------------------------------------------------------------


class CustomerQuery(Schema):
    search: str = ""
    type: str = ""
    cursor: str | None = None
    limit: int = 20


@router.get("/customers", response=HitPage, summary="Search people and companies")
def search_customers(request, params: Query[CustomerQuery]):
    types = ("person", "company") if params.type not in ("person", "company") else (params.type,)
    if not params.search.strip():
        return {"items": [], "next_cursor": None}
    results, next_cursor = selectors.search_customers(
        request.auth, params.search, types=types, cursor=params.cursor, limit=_limit(params.limit)
    )
    return {
        "items": [
            {"type": r.type, "id": r.id, "display_name": r.display_name, "kana": r.kana}
            for r in results
        ],
        "next_cursor": next_cursor,
    }


# --- people --------------------------------------------------------------------------------


class PeopleQuery(BaseModel):
    # A plain pydantic model: ninja's Schema adds a validator that reads attributes off
    # Django objects, useless for query parameters (0.035 ms of a 1.5 ms budget).
    search: str = ""
    owner: str = ""
    team: int | None = None
    lifecycle: str = ""
    stage: str = ""
    tag: int | None = None
    prefecture: str = ""
    sort: str = "kana"
    cursor: str | None = None
    limit: int = 20


@router.get("/people", response=PeoplePage, summary="List people (五十音順, cursor pagination)")
def list_people(request, params: Query[PeopleQuery]):
    user = request.auth
    if params.sort not in selectors.PERSON_SORTS:
        raise ValidationFailed({"sort": [f"Use one of: {', '.join(selectors.PERSON_SORTS)}."]})
    owner = None
    if params.owner == "me":
        owner = user.pk
    elif params.owner:
        owner = account_selectors.user_id_of(params.owner) or -1
    filters = selectors.PersonFilters(
        q=params.search.strip(),
        owner=owner,
        team=params.team,
        lifecycle=params.lifecycle,
        stage=params.stage,
        tag=params.tag,
        prefecture=params.prefecture,
    )
    page = selectors.list_people(
        user, filters, sort=params.sort, cursor=params.cursor, size=_limit(params.limit), rows=True
    )
    # Rendered here instead of validated against PeoplePage (which still documents it):
    # the rows are built to that schema, and validating 20 of them cost more CPU than
    # everything else in the request (issue 2: ≤ 1.5 ms per page of 20). The rows hold
    # plain values only, so orjson encodes them all in C (the standard library's encoder
    # took a tenth of the request).
    body = {"items": [person_row_dict(row) for row in page.items], "next_cursor": page.next_cursor}
    return HttpResponse(orjson.dumps(body), content_type="application/json; charset=utf-8")


@router.post("/people", response={201: PersonOut}, summary="Create a person")
def create_person(request, payload: PersonIn):
    person = services.create_person(actor=request.auth, data=_payload(payload))
    return Status(201, person_dict(selectors.get_person(request.auth, person.pk)))


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request, person_id: int, response: HttpResponse):
    person = selectors.get_person(request.auth, person_id)
    response["ETag"] = f'"{person.version}"'
    return person_dict(person)


@router.patch(
    "/people/{person_id}", response=PersonOut, summary="Change a person (If-Match supported)"
)
def update_person(request, person_id: int, payload: PersonPatch, response: HttpResponse):
    person = selectors.get_person(request.auth, person_id, CHANGE)
    data = _payload(payload)
    header_version = if_match_version(request, person.version)
    expected = header_version if header_version is not None else data.pop("version", None)
    data.pop("version", None)
    try:
        person = services.update_person(
            actor=request.auth, person=person, data=data, expected_version=expected
        )
    except ConflictError:
        if header_version is not None:
            raise PreconditionFailed() from None
        raise
    person = selectors.get_person(request.auth, person.pk)
    response["ETag"] = f'"{person.version}"'
    return person_dict(person)


@router.delete("/people/{person_id}", response={204: None}, summary="Move a person to the trash")
def delete_person(request, person_id: int):
    services.delete_person(
        actor=request.auth, person=selectors.get_person(request.auth, person_id, DELETE)
    )
    return Status(204, None)


@router.post("/people/{person_id}/restore", response=PersonOut)
def restore_person(request, person_id: int):
    person = selectors.trash(request.auth, "person").filter(pk=person_id).first()
    if person is None:
        raise Http404
    services.restore_person(actor=request.auth, person=person)
    return person_dict(selectors.get_person(request.auth, person_id))


@router.get(
    "/people/{person_id}/stage-history",
    response=list[RelationshipStageChangeOut],
    summary="When the person reached each relationship stage, oldest first",
)
def person_stage_history(request, person_id: int):
    return [
        {
            "stage": c.stage,
            "reached_on": c.reached_on,
            "recorded_at": c.created_at,
            "changed_by": str(c.changed_by) if c.changed_by else None,
        }
        for c in selectors.stage_history(request.auth, person_id)
    ]


@router.get("/people/{person_id}/history", response=list[AuditOut])
def person_history(request, person_id: int):
    entries = history_for(selectors.get_person(request.auth, person_id), limit=200)
    # the audit follows the read rules of what it describes (private notes, hidden actions)
    return [_audit(e) for e in visible_entries(entries, request.auth)]


def _audit(entry) -> dict:
    return {
        "at": entry.at,
        "actor": str(entry.actor) if entry.actor else entry.actor_label,
        "via": entry.via,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
    }


# --- household ------------------------------------------------------------------------------


def _household_data(payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if "linked_person_id" in data:
        data["linked_person"] = data.pop("linked_person_id")
    return data


@router.get("/people/{person_id}/household", response=list[HouseholdOut])
def list_household(request, person_id: int):
    person = selectors.get_person(request.auth, person_id)
    return [household_dict(m) for m in person.household.all()]


@router.post("/people/{person_id}/household", response={201: HouseholdOut})
def add_household(request, person_id: int, payload: HouseholdIn):
    person = selectors.get_person(request.auth, person_id, CHANGE)
    return Status(
        201,
        household_dict(
            services.add_household_member(
                actor=request.auth, person=person, data=_household_data(payload)
            )
        ),
    )


def _member(request, member_id: int, action: str) -> HouseholdMember:
    return selectors.get_household_member(request.auth, member_id, action)


@router.patch("/household/{member_id}", response=HouseholdOut)
def update_household(request, member_id: int, payload: HouseholdPatch):
    member = _member(request, member_id, CHANGE)
    return household_dict(
        services.update_household_member(
            actor=request.auth, member=member, data=_household_data(payload)
        )
    )


@router.delete("/household/{member_id}", response={204: None})
def delete_household(request, member_id: int):
    services.remove_household_member(actor=request.auth, member=_member(request, member_id, CHANGE))
    return Status(204, None)


# --- consent --------------------------------------------------------------------------------


def _consent(c) -> dict:
    return {
        "channel": c.channel,
        "status": c.status,
        "method": c.method,
        "evidence": c.evidence,
        "recorded_at": c.recorded_at,
        "recorded_by": str(c.recorded_by) if c.recorded_by else None,
    }


@router.get("/people/{person_id}/consents", response=list[ConsentOut])
def list_consents(request, person_id: int):
    person = selectors.get_person(request.auth, person_id)
    return [_consent(c) for c in person.consents.select_related("recorded_by")]


@router.post("/people/{person_id}/consents", response={201: ConsentOut})
def record_consent(request, person_id: int, payload: ConsentIn):
    person = selectors.get_person(request.auth, person_id, CHANGE)
    return Status(
        201,
        _consent(
            services.record_consent(actor=request.auth, person=person, **payload.model_dump())
        ),
    )


# --- companies ------------------------------------------------------------------------------


class CompanyQuery(Schema):
    search: str = ""
    owner: str = ""
    cursor: str | None = None
    limit: int = 20
    sort: str = "kana"


@router.get("/companies", response=CompanyPage)
def list_companies(request, params: Query[CompanyQuery]):
    if params.sort not in selectors.PERSON_SORTS:
        raise ValidationFailed({"sort": [f"Use one of: {', '.join(selectors.PERSON_SORTS)}."]})
    page = selectors.list_companies(
        request.auth,
        q=params.search.strip(),
        owner=request.auth.pk if params.owner == "me" else None,
        cursor=params.cursor,
        size=_limit(params.limit),
        sort=params.sort,
    )
    return {"items": [company_dict(c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("/companies", response={201: CompanyOut})
def create_company(request, payload: CompanyIn):
    company = services.create_company(actor=request.auth, data=_payload(payload))
    return Status(201, company_dict(selectors.get_company(request.auth, company.pk)))


@router.get("/companies/{company_id}", response=CompanyOut)
def get_company(request, company_id: int, response: HttpResponse):
    company = selectors.get_company(request.auth, company_id)
    response["ETag"] = f'"{company.version}"'
    return company_dict(company)


@router.patch("/companies/{company_id}", response=CompanyOut)
def update_company(request, company_id: int, payload: CompanyPatch, response: HttpResponse):
    company = selectors.get_company(request.auth, company_id, CHANGE)
    data = _payload(payload)
    header_version = if_match_version(request, company.version)
    expected = header_version if header_version is not None else data.pop("version", None)
    data.pop("version", None)
    try:
        company = services.update_company(
            actor=request.auth, company=company, data=data, expected_version=expected
        )
    except ConflictError:
        if header_version is not None:
            raise PreconditionFailed() from None
        raise
    company = selectors.get_company(request.auth, company.pk)
    response["ETag"] = f'"{company.version}"'
    return company_dict(company)


@router.delete("/companies/{company_id}", response={204: None})
def delete_company(request, company_id: int):
    services.delete_company(
        actor=request.auth, company=selectors.get_company(request.auth, company_id, DELETE)
    )
    return Status(204, None)


@router.post(
    "/companies/{company_id}/restore",
    response=CompanyOut,
    summary="Take a company out of the trash",
)
def restore_company(request, company_id: int):
    company = selectors.trash(request.auth, "company").filter(pk=company_id).first()
    if company is None:
        raise Http404
    services.restore_company(actor=request.auth, company=company)
    return company_dict(selectors.get_company(request.auth, company_id))


# --- contacts ---------------------------------------------------------------------------------


@router.get("/contacts", response=list[ContactOut])
def list_contacts(request, person_id: int | None = None, company_id: int | None = None):
    if person_id is None and company_id is None:
        raise ValidationFailed({"person_id": ["Give person_id or company_id."]})
    return [
        contact_dict(c)
        for c in selectors.contacts(request.auth, person_id=person_id, company_id=company_id)
    ]


@router.post("/contacts", response={201: ContactOut})
def create_contact(request, payload: ContactIn):
    person = selectors.get_person(request.auth, payload.person_id, CHANGE)
    company = selectors.get_company(request.auth, payload.company_id)
    data = payload.model_dump(exclude={"person_id", "company_id"})
    return Status(
        201,
        contact_dict(
            services.add_contact(actor=request.auth, person=person, company=company, data=data)
        ),
    )


def _contact(request, contact_id: int) -> Contact:
    return selectors.get_contact(request.auth, contact_id, CHANGE)


@router.patch("/contacts/{contact_id}", response=ContactOut)
def update_contact(request, contact_id: int, payload: ContactPatch):
    contact = _contact(request, contact_id)
    return contact_dict(
        services.update_contact(
            actor=request.auth, contact=contact, data=payload.model_dump(exclude_unset=True)
        )
    )


@router.delete("/contacts/{contact_id}", response={204: None})
def delete_contact(request, contact_id: int):
    services.remove_contact(actor=request.auth, contact=_contact(request, contact_id))
    return Status(204, None)


# --- tags, custom fields, postal codes ---------------------------------------------------------


@router.get("/tags", response=list[TagOut])
def list_tags(request):
    return list(reference.tags().values("id", "name", "color"))


@router.post("/tags", response={201: TagOut})
def create_tag(request, payload: TagIn):
    tag = services.create_tag(actor=request.auth, **payload.model_dump())
    return Status(201, {"id": tag.pk, "name": tag.name, "color": tag.color})


@router.delete("/tags/{tag_id}", response={204: None})
def delete_tag(request, tag_id: int):
    services.delete_tag(actor=request.auth, tag=reference.get_tag(tag_id))
    return Status(204, None)


def _definition(d) -> dict:
    return {
        f: getattr(d, f)
        for f in (
            "id",
            "target",
            "key",
            "label",
            "field_type",
            "choices",
            "required",
            "help_text",
            "position",
            "is_active",
        )
    }


@router.get("/custom-fields", response=list[CustomFieldOut])
def list_custom_fields(request, target: str = ""):
    qs = reference.custom_field_definitions()
    if target:
        qs = qs.filter(target=target)
    return [_definition(d) for d in qs]


@router.post("/custom-fields", response={201: CustomFieldOut})
def create_custom_field(request, payload: CustomFieldIn):
    return Status(
        201,
        _definition(services.define_custom_field(actor=request.auth, data=payload.model_dump())),
    )


@router.patch("/custom-fields/{field_id}", response=CustomFieldOut)
def update_custom_field(request, field_id: int, payload: CustomFieldPatch):
    definition = reference.get_custom_field_definition(field_id)
    return _definition(
        services.update_custom_field(
            actor=request.auth, definition=definition, data=payload.model_dump(exclude_unset=True)
        )
    )


@router.get(
    "/postal-codes/{code}",
    response=list[PostalAreaOut],
    summary="Prefecture and city for a postal code",
)
def postal_code(request, code: str):
    normalised = normalize_postal_code(code)
    if normalised is None:
        raise ValidationFailed({"code": ["Enter a 7-digit postal code."]})
    return [
        {"prefecture": a.prefecture, "city": a.city, "town": a.town}
        for a in lookup_postal_code(normalised)
    ]
