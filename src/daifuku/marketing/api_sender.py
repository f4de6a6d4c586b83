"""``/api/v1/settings/sender``: the sender identity of marketing mail (特定電子メール法
第4条), administrators only. ``effective`` shows what mails actually carry: each empty
field filled from the organisation profile."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ConfigDict

from daifuku.core.conditional import if_match_version
from daifuku.core.errors import ConflictError, PermissionDenied, PreconditionFailed

router = Router(tags=["marketing"])


class EffectiveOut(Schema):
    name: str
    postal_address: str
    contact: str
    from_email: str
    unsubscribe_email: str
    sources: dict[str, str]


class SenderOut(Schema):
    name: str
    postal_address: str
    contact: str
    from_email: str
    reply_to: str
    unsubscribe_email: str
    under_order: bool
    effective: EffectiveOut
    version: int
    updated_at: str | None


class SenderIn(Schema):
    """Every field is optional: a field left out keeps its value; an empty one falls back
    to the organisation profile (name, address, inquiry contact). ``version`` (or
    ``If-Match``) refuses to overwrite a change saved since it was read."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    postal_address: str | None = None
    contact: str | None = None
    from_email: str | None = None
    reply_to: str | None = None
    unsubscribe_email: str | None = None
    under_order: bool | None = None
    version: int | None = None


def _admin(request) -> None:
    if not getattr(request.auth, "is_admin", False):
        raise PermissionDenied(_("Only administrators can see or change the mail sender settings."))


def _sender_dict(row) -> dict:
    from .selectors.sender import sender_identity

    who = sender_identity(row)
    return {
        "name": row.sender_name,
        "postal_address": row.postal_address,
        "contact": row.contact,
        "from_email": row.from_email,
        "reply_to": row.reply_to,
        "unsubscribe_email": row.unsubscribe_email,
        "under_order": row.under_order,
        "effective": {
            "name": who.name,
            "postal_address": who.postal_address,
            "contact": who.contact,
            "from_email": who.from_email,
            "unsubscribe_email": who.unsubscribe_email,
            "sources": who.sources,
        },
        "version": row.version,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


@router.get(
    "/settings/sender",
    response=SenderOut,
    summary="The sender identity of marketing mail (administrators)",
)
def get_sender(request, response: HttpResponse):
    from .selectors.sender import mail_settings

    _admin(request)
    row = mail_settings()
    response["ETag"] = f'"{row.version}"'
    return _sender_dict(row)


@router.put(
    "/settings/sender",
    response=SenderOut,
    summary="Change the sender identity of marketing mail (administrators; If-Match or version)",
)
def put_sender(request, payload: SenderIn, response: HttpResponse):
    from .selectors.sender import mail_settings
    from .services.sender import update_sender_settings

    _admin(request)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    expected = if_match_version(request, mail_settings().version)
    if expected is None:
        expected = version
    try:
        row = update_sender_settings(actor=request.auth, data=data, expected_version=expected)
    except ConflictError as exc:
        if version is not None and request.META.get("HTTP_IF_MATCH") is None:
            raise ConflictError(code="version_conflict") from exc
        raise PreconditionFailed() from None
    response["ETag"] = f'"{row.version}"'
    return _sender_dict(row)
