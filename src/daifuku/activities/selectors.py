"""Every user-visible read of activities (docs/architecture.md convention 2). Upper layers (sales,
service) use ``touches_for_subject`` / ``open_actions_for_subject`` /
``last_touch_at_by_subject`` to show and watch the touches of their deals and inquiries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.models import User
from daifuku.accounts.permissions import VIEW, restrict, restrict_to_customer, sees_everything
from daifuku.core.pagination import keyset_page
from daifuku.customers.models import Company, Person

from .models import (
    ActivityGoal,
    DailyReport,
    NextAction,
    Notification,
    OwnershipPeriod,
    ReportStatus,
    Status,
    Touch,
    TouchAttachment,
)

TOUCH_ORDER = ["-occurred_at", "-id"]
# The numbers a rep taps to call the customer of a row (templatetags: phone_of).
CUSTOMER_PHONES = ("person__phones", "company__phones")
ACTION_ORDER = ["due_at", "id"]


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _get(queryset: QuerySet, pk):
    obj = queryset.filter(pk=_int(pk)).first()
    if obj is None:
        raise Http404
    return obj


# --- touches ------------------------------------------------------------------------------


def touches_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Touch.objects.all(), user, action)


def get_touch(user, pk, action: str = VIEW) -> Touch:
    return _get(
        touches_queryset(user, action)
        .select_related("rep", "person", "company")
        .prefetch_related(*CUSTOMER_PHONES),
        pk,
    )


def list_touches(
    user,
    *,
    person_id=None,
    company_id=None,
    rep_id=None,
    subject_type: str = "",
    subject_id=None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    kind: str = "",
    cursor: str | None = None,
    size: int = 25,
):
    """A page of touches, newest first (one query for the page, one for attachments)."""
    qs = touches_queryset(user)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    if rep_id is not None:
        qs = qs.filter(rep_id=rep_id)
    if subject_type:
        qs = qs.filter(subject_type=subject_type, subject_id=subject_id)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.select_related("rep", "person", "company").prefetch_related("attachments")
    return keyset_page(qs, TOUCH_ORDER, cursor=cursor, size=size)


def touches_for_subject(
    user, subject_type: str, subject_id: int, *, limit: int = 30, before: dt.datetime | None = None
) -> list[Touch]:
    """Touches of a deal/inquiry (any domain above activities), newest first."""
    qs = touches_queryset(user).filter(subject_type=subject_type, subject_id=subject_id)
    if before is not None:
        qs = qs.filter(occurred_at__lt=before)
    return list(
        qs.select_related("rep").prefetch_related("attachments").order_by(*TOUCH_ORDER)[:limit]
    )


def last_touch_at_by_subject(subject_type: str, ids) -> dict[int, dt.datetime]:
    """``{subject_id: last touch time}`` for system checks such as "no touch for N days"
    (not user-visible by itself; one grouped index query)."""
    rows = (
        Touch.objects.filter(subject_type=subject_type, subject_id__in=list(ids))
        .values("subject_id")
        .annotate(last=Max("occurred_at"))
        .order_by()
    )
    return {row["subject_id"]: row["last"] for row in rows}  # type: ignore[misc]  # subject_id__in: never None


def recent_touches(user, *, person=None, company=None, limit: int = 3) -> list[Touch]:
    return customer_touches(user, person if person is not None else company, limit=limit)


def customer_touches(
    user, customer: Person | Company, *, before: dt.datetime | None = None, limit: int = 30
) -> list[Touch]:
    """The newest ``limit`` touches of one customer that ``user`` may see (older than
    ``before``), with their rep and attachments.

    The 360° page asks twice — its timeline for 30, its top panel for the last 3 — so the
    newest touches read for a user are kept on the customer instance (which lives for one
    request) and a shorter ask is served from their head instead of another query."""
    held = customer.__dict__.setdefault("_newest_touches", {}) if before is None else {}
    if user.pk in held:
        asked, touches = held[user.pk]
        if limit <= asked or len(touches) < asked:  # a short list is every touch there is
            return touches[:limit]
    field = "person" if isinstance(customer, Person) else "company"
    qs = restrict_to_customer(Touch.objects.all(), user, customer, field=field)
    if before is not None:
        qs = qs.filter(occurred_at__lt=before)
    touches = list(
        qs.select_related("rep").prefetch_related("attachments").order_by(*TOUCH_ORDER)[:limit]
    )
    if before is None:
        held[user.pk] = (limit, touches)
    return touches


def get_attachment(user, pk) -> TouchAttachment:
    return _get(restrict(TouchAttachment.objects.select_related("touch"), user, VIEW), pk)


# --- next actions -------------------------------------------------------------------------


def next_actions_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(NextAction.objects.all(), user, action)


def get_next_action(user, pk, action: str = VIEW) -> NextAction:
    return _get(
        next_actions_queryset(user, action).select_related("assignee", "person", "company"), pk
    )


def list_next_actions(
    user,
    *,
    assignee_id=None,
    status: str = Status.OPEN,
    person_id=None,
    company_id=None,
    subject_type: str = "",
    subject_id=None,
    cursor=None,
    size: int = 25,
):
    qs = next_actions_queryset(user)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    if status:
        qs = qs.filter(status=status)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    if subject_type:
        qs = qs.filter(subject_type=subject_type, subject_id=subject_id)
    qs = qs.select_related("assignee", "person", "company")
    return keyset_page(qs, ACTION_ORDER, cursor=cursor, size=size)


def open_actions_for(user, *, person=None, company=None, limit: int = 5) -> list[NextAction]:
    customer, field = (person, "person") if person is not None else (company, "company")
    qs = restrict_to_customer(
        NextAction.objects.filter(status=Status.OPEN), user, customer, field=field
    )
    return list(qs.select_related("assignee").order_by(*ACTION_ORDER)[:limit])


def open_actions_for_subject(
    user, subject_type: str, subject_id: int, *, limit: int = 20
) -> list[NextAction]:
    qs = next_actions_queryset(user).filter(
        status=Status.OPEN, subject_type=subject_type, subject_id=subject_id
    )
    return list(qs.select_related("assignee").order_by(*ACTION_ORDER)[:limit])


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def my_day(user, rep: User, *, today: dt.date | None = None, limit: int = 100) -> dict:
    """The rep's open actions split into overdue / today / rest of the week, and the
    touches logged today (three queries)."""
    today = today or timezone.localdate()
    start, end = day_bounds(today)
    week_end = start + dt.timedelta(days=7 - today.weekday())
    actions = list(
        next_actions_queryset(user)
        .filter(assignee=rep, status=Status.OPEN, due_at__lt=week_end)
        .select_related("person", "company")
        .prefetch_related(*CUSTOMER_PHONES)
        .order_by(*ACTION_ORDER)[:limit]
    )
    touches = list(
        touches_queryset(user)
        .filter(rep=rep, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("person", "company")
        .prefetch_related("attachments")
        .order_by(*TOUCH_ORDER)[:limit]
    )
    return {
        "overdue": [a for a in actions if a.due_at < start],
        "today": [a for a in actions if start <= a.due_at < end],
        "week": [a for a in actions if a.due_at >= end],
        "touches_today": touches,
        "day": today,
    }


def no_next_step(user, *, owner_id=None, team_id=None, cursor=None, size: int = 50):
    """People without any open next action (次の一手なし), in 五十音順. Only customers whose
    next actions the user may see (own and team's; managers and admins: all): whether
    another team's customer has a next action is not theirs to know."""
    open_action = NextAction.objects.filter(person=OuterRef("pk"), status=Status.OPEN)
    qs = restrict(Person.objects.all(), user, VIEW).filter(~Exists(open_action))
    if not sees_everything(user):
        qs = qs.filter(
            Q(owner_id=user.pk) | Q(team_id=user.team_id) if user.team_id else Q(owner_id=user.pk)
        )
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    return keyset_page(
        qs.select_related("owner").prefetch_related("phones"),
        ["sort_kana", "id"],
        cursor=cursor,
        size=size,
    )


def calendar_actions(user: User, *, days_back: int = 30) -> list[NextAction]:
    """Open next actions of the feed's owner from ``days_back`` days ago on."""
    since = timezone.now() - dt.timedelta(days=days_back)
    return list(
        NextAction.objects.filter(assignee=user, status=Status.OPEN, due_at__gte=since)
        .select_related("person", "company")
        .order_by(*ACTION_ORDER)[:2000]
    )


def goals_managed_by(user) -> QuerySet:
    """The visit goals a manager looks after: those of each rep they lead and the
    team-wide goals of their own team."""
    reps = account_selectors.reps_led_by(user)
    current = ActivityGoal.objects.filter(rep__in=reps) | ActivityGoal.objects.filter(
        team_id=user.team_id, rep__isnull=True
    )
    return current.select_related("rep", "team")


# --- notifications, reports, ownership ----------------------------------------------------


def notifications(user, *, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    qs = restrict(Notification.objects.all(), user, VIEW)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.order_by("-created_at", "-id")[:limit])


def unread_count(user) -> int:
    return restrict(Notification.objects.all(), user, VIEW).filter(read_at__isnull=True).count()


def reports_queryset(user) -> QuerySet:
    return restrict(DailyReport.objects.all(), user, VIEW)


def get_report(user, pk) -> DailyReport:
    return _get(reports_queryset(user).select_related("rep", "approved_by"), pk)


def missing_reports(user, day: dt.date) -> list[tuple[User, DailyReport | None]]:
    """The reps ``user`` reviews who have not submitted the report of ``day`` (no report,
    a draft, or one sent back and not yet resubmitted), with that report if any."""
    reps = [rep for rep in account_selectors.reps_led_by(user) if rep.pk != user.pk]
    reports = {r.rep_id: r for r in reports_queryset(user).filter(day=day, rep__in=reps)}
    done = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
    return [
        (rep, reports.get(rep.pk))
        for rep in reps
        if reports.get(rep.pk) is None or reports[rep.pk].status not in done
    ]


def ownership_history(customer) -> list[OwnershipPeriod]:
    field = "person" if isinstance(customer, Person) else "company"
    return list(
        OwnershipPeriod.objects.filter(**{field: customer})
        .select_related("owner", "handed_over_by")
        .order_by("-started_at", "-id")
    )


def customers_owned(user, owner_id: int, *, kind: str = "person", cursor=None, size: int = 50):
    model = Person if kind == "person" else Company
    qs = restrict(model.objects.all(), user, "change").filter(owner_id=owner_id)
    return keyset_page(qs, ["sort_kana", "id"], cursor=cursor, size=size)
