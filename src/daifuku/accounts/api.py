"""``GET /api/v1/me``: who the token or session belongs to; ``/api/v1/settings/organization``:
the organisation profile (issuer settings)."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict

from daifuku.core.conditional import if_match_version
from daifuku.core.errors import ConflictError, PreconditionFailed

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    team: int | None
    team_name: str | None
    calendar_url: str | None


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    from . import profile_extras

    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "role": user.role,
        "team": user.team_id,
        "team_name": user.team.name if user.team_id else None,
        "calendar_url": profile_extras.calendar_url(request, user),
    }


# --- organisation profile (issuer settings) -----------------------------------------------------


class OrganizationOut(Schema):
    name: str
    postal_code: str
    prefecture: str
    city: str
    address_line: str
    building: str
    phone: str
    email: str
    registration_number: str
    has_seal: bool
    inquiry_contact: str
    inquiry_email: str
    inquiry_phone: str
    version: int
    updated_at: str | None


class OrganizationIn(Schema):
    """Every field is optional: a field left out keeps its value."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    postal_code: str | None = None
    prefecture: str | None = None
    city: str | None = None
    address_line: str | None = None
    building: str | None = None
    phone: str | None = None
    email: str | None = None
    registration_number: str | None = None
    inquiry_contact: str | None = None
    inquiry_email: str | None = None
    inquiry_phone: str | None = None


def _organization_dict(profile) -> dict:
    from .services_organization import TEXT_FIELDS

    return {
        **{name: getattr(profile, name) for name in TEXT_FIELDS},
        "has_seal": bool(profile.seal),
        "version": profile.version,
        "updated_at": profile.updated_at.isoformat() if profile.updated_at else None,
    }


@router.get(
    "/settings/organization",
    response=OrganizationOut,
    summary="The organisation profile (issuer settings)",
)
def get_organization(request, response: HttpResponse):
    from .selectors_organization import organization_profile

    profile = organization_profile()
    response["ETag"] = f'"{profile.version}"'
    return _organization_dict(profile)


@router.put(
    "/settings/organization",
    response=OrganizationOut,
    summary="Change the organisation profile (administrators; If-Match supported)",
)
def put_organization(request, payload: OrganizationIn, response: HttpResponse):
    from .selectors_organization import organization_profile
    from .services_organization import update_organization_profile

    # the same If-Match reading as every versioned record of the API (``*``, lists, W/)
    expected = if_match_version(request, organization_profile().version)
    try:
        profile = update_organization_profile(
            actor=request.auth,
            data=payload.model_dump(exclude_unset=True),
            expected_version=expected,
        )
    except ConflictError:
        raise PreconditionFailed() from None
    response["ETag"] = f'"{profile.version}"'
    return _organization_dict(profile)
