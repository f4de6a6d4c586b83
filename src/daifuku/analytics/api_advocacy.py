"""``/api/v1/`` endpoints of advocacy: NPS answers and referrals of a person, the advocate
list. Thin adapters over the advocacy selectors and services."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from daifuku.accounts.permissions import CHANGE
from daifuku.core.errors import ValidationFailed
from daifuku.customers import selectors as customer_selectors

from .schemas import (
    AdvocateList,
    NpsIn,
    NpsList,
    NpsOut,
    ReferralIn,
    ReferralList,
    ReferralOut,
)
from .selectors import advocacy as selectors
from .services import advocacy as services

router = Router(tags=["analytics"])


def _nps(answer) -> dict:
    return {
        "id": answer.pk,
        "person_id": answer.person_id,
        "score": answer.score,
        "category": selectors.nps_category(answer.score),
        "answered_on": answer.answered_on,
        "source": answer.source,
        "comment": answer.comment,
    }


def _referral(r) -> dict:
    return {
        "id": r.pk,
        "referrer_id": r.referrer_id,
        "referred_id": r.referred_id,
        "referred_on": r.referred_on,
        "note": r.note,
    }


@router.get("/people/{person_id}/nps", response=NpsList)
def list_nps(request, person_id: int):
    person = customer_selectors.get_person(request.auth, person_id)
    return {"items": [_nps(a) for a in selectors.person_nps(request.auth, person)]}


@router.post("/people/{person_id}/nps", response={201: NpsOut})
def add_nps(request, person_id: int, payload: NpsIn):
    person = customer_selectors.get_person(request.auth, person_id, CHANGE)
    answer = services.record_nps(actor=request.auth, person=person, **payload.dict())
    return Status(201, _nps(answer))


@router.get("/people/{person_id}/referrals", response=ReferralList)
def list_referrals(request, person_id: int):
    person = customer_selectors.get_person(request.auth, person_id)
    found = selectors.person_referrals(request.auth, person)
    return {
        "made": [_referral(r) for r in found["made"]],
        "received": [_referral(r) for r in found["received"]],
    }


@router.post("/people/{person_id}/referrals", response={201: ReferralOut})
def add_referral(request, person_id: int, payload: ReferralIn):
    referrer = customer_selectors.get_person(request.auth, person_id, CHANGE)
    try:
        referred = customer_selectors.get_person(request.auth, payload.referred_id)
    except Http404:
        raise ValidationFailed(
            {"referred_id": [_("No such customer.")]}, code="unknown_customer"
        ) from None
    referral = services.record_referral(
        actor=request.auth,
        referrer=referrer,
        referred=referred,
        referred_on=payload.referred_on,
        note=payload.note,
    )
    return Status(201, _referral(referral))


@router.get("/advocates", response=AdvocateList)
def list_advocates(request):
    rule = selectors.rules()
    return {
        "rules": {
            "min_nps": rule.min_nps,
            "nps_within_days": rule.nps_within_days,
            "min_referrals": rule.min_referrals,
            "require_both": rule.require_both,
        },
        "items": [a.__dict__ for a in selectors.advocates(request.auth)],
    }
