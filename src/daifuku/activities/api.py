"""``/api/v1/`` endpoints of activities: touches, attachments, next actions, notifications."""

from __future__ import annotations

from django.urls import reverse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.permissions import CHANGE, DELETE
from daifuku.core.errors import ValidationFailed
from daifuku.customers import selectors as customer_selectors

from . import selectors, services
from .rendering import markdown_html
from .schemas import (
    AttachmentOut,
    CompleteIn,
    NextActionIn,
    NextActionOut,
    NextActionPatch,
    NotificationOut,
    TouchIn,
    TouchOut,
    TouchPatch,
)
from .views.touches import attachment_response

router = Router(tags=["activities"])


class TouchPage(Schema):
    items: list[TouchOut]
    next_cursor: str | None = None


class NextActionPage(Schema):
    items: list[NextActionOut]
    next_cursor: str | None = None


def _limit(limit: int) -> int:
    if limit < 1 or limit > 200:
        raise ValidationFailed({"limit": ["Use a limit between 1 and 200."]}, code="invalid_limit")
    return limit


def _customers(request, person_id, company_id):
    person = (
        customer_selectors.get_person(request.auth, person_id) if person_id is not None else None
    )
    company = (
        customer_selectors.get_company(request.auth, company_id) if company_id is not None else None
    )
    return person, company


def attachment_dict(request, a) -> dict:
    url = reverse("api:attachment_download", args=[a.pk])
    thumb = reverse("api:attachment_thumbnail", args=[a.pk]) if a.thumbnail else None
    return {
        "id": a.pk,
        "touch_id": a.touch_id,
        "name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "is_image": a.is_image,
        "download_url": request.build_absolute_uri(url),
        "thumbnail_url": request.build_absolute_uri(thumb) if thumb else None,
        "created_at": a.created_at,
    }


def touch_dict(request, t) -> dict:
    return {
        "id": t.pk,
        "kind": t.kind,
        "occurred_at": t.occurred_at,
        "duration_minutes": t.duration_minutes,
        "rep": str(t.rep),
        "rep_id": t.rep_id,
        "person_id": t.person_id,
        "company_id": t.company_id,
        "subject_type": t.subject_type,
        "subject_id": t.subject_id,
        "summary": t.summary,
        "body": t.body,
        "body_html": markdown_html(t.body),
        "outcome": t.outcome,
        "mood": t.mood,
        "follow_up": t.follow_up,
        "is_private": t.is_private,
        "attachments": [attachment_dict(request, a) for a in t.attachments.all()],
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


def action_dict(a) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "due_at": a.due_at,
        "kind": a.kind,
        "duration_minutes": a.duration_minutes,
        "assignee": a.assignee.username,
        "assignee_id": a.assignee_id,
        "person_id": a.person_id,
        "company_id": a.company_id,
        "subject_type": a.subject_type,
        "subject_id": a.subject_id,
        "priority": a.priority,
        "status": a.status,
        "notes": a.notes,
        "completed_at": a.completed_at,
        "completed_touch_id": a.completed_touch_id,
        "created_at": a.created_at,
    }


def _touch_out(request, pk) -> dict:
    touch = (
        selectors.touches_queryset(request.auth)
        .select_related("rep")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )
    return touch_dict(request, touch)


# --- calendar feed ------------------------------------------------------------------------


class CalendarFeedOut(Schema):
    calendar_url: str


@router.post(
    "/me/calendar-feed",
    response=CalendarFeedOut,
    summary="Turn your calendar feed on, or give it a new address",
)
def enable_calendar_feed(request):
    """Turns the private iCalendar feed on; when it was on, the old address stops working
    (subscriptions must be renewed with the new one)."""
    from .timeline_sources import calendar_url

    user = services.enable_calendar_feed(actor=request.auth, user=request.auth)
    return {"calendar_url": calendar_url(request, user)}


@router.delete("/me/calendar-feed", response={204: None}, summary="Turn your calendar feed off")
def disable_calendar_feed(request):
    services.disable_calendar_feed(actor=request.auth, user=request.auth)
    return Status(204, None)


# --- touches ------------------------------------------------------------------------------


class TouchQuery(Schema):
    person_id: int | None = None
    company_id: int | None = None
    rep: str = ""
    subject_type: str = ""
    subject_id: int | None = None
    kind: str = ""
    cursor: str | None = None
    limit: int = 25


@router.get("/touches", response=TouchPage, summary="List touches, newest first")
def list_touches(request, params: Query[TouchQuery]):
    rep_id = None
    if params.rep:
        rep_id = (
            request.auth.pk
            if params.rep == "me"
            else (account_selectors.user_id_of(params.rep) or -1)
        )
    if params.subject_type and params.subject_id is None:
        raise ValidationFailed({"subject_id": ["Give subject_id with subject_type."]})
    page = selectors.list_touches(
        request.auth,
        person_id=params.person_id,
        company_id=params.company_id,
        rep_id=rep_id,
        subject_type=params.subject_type,
        subject_id=params.subject_id,
        kind=params.kind,
        cursor=params.cursor,
        size=_limit(params.limit),
    )
    return {"items": [touch_dict(request, t) for t in page.items], "next_cursor": page.next_cursor}


@router.post("/touches", response={201: TouchOut}, summary="Log a touch")
def create_touch(request, payload: TouchIn):
    data = payload.model_dump(exclude_unset=True)
    person, company = _customers(request, data.pop("person_id", None), data.pop("company_id", None))
    touch = services.log_touch(actor=request.auth, data=data, person=person, company=company)
    return Status(201, _touch_out(request, touch.pk))


@router.get("/touches/{touch_id}", response=TouchOut)
def get_touch(request, touch_id: int):
    return touch_dict(request, selectors.get_touch(request.auth, touch_id))


@router.patch("/touches/{touch_id}", response=TouchOut, summary="Change a touch (its author only)")
def update_touch(request, touch_id: int, payload: TouchPatch):
    touch = selectors.get_touch(request.auth, touch_id, CHANGE)
    services.update_touch(
        actor=request.auth, touch=touch, data=payload.model_dump(exclude_unset=True)
    )
    return _touch_out(request, touch.pk)


@router.delete("/touches/{touch_id}", response={204: None})
def delete_touch(request, touch_id: int):
    services.delete_touch(
        actor=request.auth, touch=selectors.get_touch(request.auth, touch_id, DELETE)
    )
    return Status(204, None)


# --- attachments ----------------------------------------------------------------------------


@router.post(
    "/touches/{touch_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach a photo or document (multipart field `file`)",
)
def add_attachment(request, touch_id: int, file: File[UploadedFile]):
    touch = selectors.get_touch(request.auth, touch_id, CHANGE)
    attachment = services.add_attachment(actor=request.auth, touch=touch, upload=file)
    return Status(201, attachment_dict(request, attachment))


@router.get("/touches/{touch_id}/attachments", response=list[AttachmentOut])
def list_attachments(request, touch_id: int):
    touch = selectors.get_touch(request.auth, touch_id)
    return [attachment_dict(request, a) for a in touch.attachments.all()]


@router.get("/attachments/{attachment_id}", response=AttachmentOut)
def get_attachment(request, attachment_id: int):
    return attachment_dict(request, selectors.get_attachment(request.auth, attachment_id))


@router.get(
    "/attachments/{attachment_id}/download",
    url_name="attachment_download",
    summary="The file, as a download (nosniff)",
)
def download_attachment(request, attachment_id: int):
    return attachment_response(selectors.get_attachment(request.auth, attachment_id))


@router.get("/attachments/{attachment_id}/thumbnail", url_name="attachment_thumbnail")
def download_thumbnail(request, attachment_id: int):
    return attachment_response(
        selectors.get_attachment(request.auth, attachment_id), thumbnail=True
    )


@router.delete("/attachments/{attachment_id}", response={204: None})
def delete_attachment(request, attachment_id: int):
    attachment = selectors.get_attachment(request.auth, attachment_id)
    selectors.get_touch(request.auth, attachment.touch_id, CHANGE)
    services.remove_attachment(actor=request.auth, attachment=attachment)
    return Status(204, None)


# --- next actions ---------------------------------------------------------------------------


class NextActionQuery(Schema):
    assignee: str = ""
    status: str = "open"
    person_id: int | None = None
    company_id: int | None = None
    subject_type: str = ""
    subject_id: int | None = None
    cursor: str | None = None
    limit: int = 25


@router.get("/next-actions", response=NextActionPage, summary="List next actions, soonest first")
def list_next_actions(request, params: Query[NextActionQuery]):
    if params.status not in ("", "open", "done", "cancelled"):
        raise ValidationFailed({"status": ["Use open, done or cancelled."]})
    assignee_id = None
    if params.assignee:
        assignee_id = (
            request.auth.pk
            if params.assignee == "me"
            else (account_selectors.user_id_of(params.assignee) or -1)
        )
    page = selectors.list_next_actions(
        request.auth,
        assignee_id=assignee_id,
        status=params.status,
        person_id=params.person_id,
        company_id=params.company_id,
        subject_type=params.subject_type,
        subject_id=params.subject_id,
        cursor=params.cursor,
        size=_limit(params.limit),
    )
    return {"items": [action_dict(a) for a in page.items], "next_cursor": page.next_cursor}


@router.post("/next-actions", response={201: NextActionOut}, summary="Plan a next action")
def create_next_action(request, payload: NextActionIn):
    data = payload.model_dump(exclude_unset=True)
    person, company = _customers(request, data.pop("person_id", None), data.pop("company_id", None))
    action = services.create_next_action(
        actor=request.auth, data=data, person=person, company=company
    )
    return Status(201, action_dict(selectors.get_next_action(request.auth, action.pk)))


@router.get("/next-actions/{action_id}", response=NextActionOut)
def get_next_action(request, action_id: int):
    return action_dict(selectors.get_next_action(request.auth, action_id))


@router.patch("/next-actions/{action_id}", response=NextActionOut)
def update_next_action(request, action_id: int, payload: NextActionPatch):
    action = selectors.get_next_action(request.auth, action_id, CHANGE)
    services.update_next_action(
        actor=request.auth, action=action, data=payload.model_dump(exclude_unset=True)
    )
    return action_dict(selectors.get_next_action(request.auth, action_id))


@router.post("/next-actions/{action_id}/complete", response=NextActionOut)
def complete_next_action(request, action_id: int, payload: CompleteIn | None = None):
    action = selectors.get_next_action(request.auth, action_id, CHANGE)
    touch = (
        selectors.get_touch(request.auth, payload.touch_id)
        if payload and payload.touch_id
        else None
    )
    services.complete_next_action(actor=request.auth, action=action, touch=touch)
    return action_dict(selectors.get_next_action(request.auth, action_id))


@router.post("/next-actions/{action_id}/cancel", response=NextActionOut)
def cancel_next_action(request, action_id: int):
    action = selectors.get_next_action(request.auth, action_id, CHANGE)
    services.cancel_next_action(actor=request.auth, action=action)
    return action_dict(selectors.get_next_action(request.auth, action_id))


# --- notifications ------------------------------------------------------------------------


@router.get("/notifications", response=list[NotificationOut])
def list_notifications(request, unread: bool = False):
    return selectors.notifications(request.auth, unread_only=unread, limit=100)


@router.post("/notifications/read", response={200: dict})
def read_notifications(request):
    return {"marked": services.mark_notifications_read(actor=request.auth)}
