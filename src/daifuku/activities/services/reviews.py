"""Manager review: activity goals, daily reports (日報) and customer handover."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.models import Team, User
from daifuku.accounts.permissions import VIEW, is_user, restrict
from daifuku.core import audit, events
from daifuku.core.errors import DomainError, NotFound, ValidationFailed
from daifuku.customers import services as customer_services

from ..models import (
    ActivityGoal,
    DailyReport,
    DailyReportComment,
    GoalPeriod,
    NextAction,
    OwnershipPeriod,
    ReportStatus,
    Status,
    Touch,
    TouchKind,
)
from ..permissions import is_team_lead
from .actions import notify
from .common import text


def _lead_only(actor, team: Team | None = None, rep: User | None = None) -> None:
    if not is_user(actor):
        return
    if actor.is_admin:
        return
    if (
        actor.is_manager
        and actor.team_id
        and (
            (team is not None and team.pk == actor.team_id)
            or (rep is not None and rep.team_id == actor.team_id)
        )
    ):
        return
    raise DomainError(
        _("Only the team's manager can do this."), code="permission_denied", status=403
    )


@transaction.atomic
def set_activity_goal(
    *,
    actor,
    target: int,
    period: str,
    kind: str = "",
    team: Team | None = None,
    rep: User | None = None,
) -> ActivityGoal | None:
    """Set (or with ``target`` 0, remove) how many touches a rep — or every rep of a team
    — should make per day/week/month. Managers set goals for their own team."""
    errors: dict[str, list[str]] = {}
    if (team is None) == (rep is None):
        errors["__all__"] = [_("Set a goal for a team or for one rep.")]
    if period not in GoalPeriod.values:
        errors["period"] = [_("Choose day, week or month.")]
    if kind and kind not in TouchKind.values:
        errors["kind"] = [_("Unknown kind.")]
    try:
        target = int(target)
        if not 0 <= target <= 10_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["target"] = [_("Enter a number between 0 and 10000.")]
    if errors:
        raise ValidationFailed(errors)
    _lead_only(actor, team=team, rep=rep)
    goal = ActivityGoal.objects.filter(team=team, rep=rep, kind=kind, period=period).first()
    old = goal.target if goal else None
    subject = rep or team
    if target == 0:
        if goal:
            audit.record(
                actor=actor,
                action="delete",
                obj=goal,
                subject=subject,
                changes={"target": [old, None]},
            )
            goal.delete()
        return None
    if goal is None:
        goal = ActivityGoal.objects.create(
            team=team, rep=rep, kind=kind, period=period, target=target
        )
    else:
        goal.target = target
        goal.updated_at = timezone.now()
        goal.save(update_fields=["target", "updated_at"])
    audit.record(
        actor=actor,
        action="update" if old is not None else "create",
        obj=goal,
        subject=subject,
        changes={"target": [old, target]},
    )
    return goal


# --- daily reports ------------------------------------------------------------------------


@transaction.atomic
def submit_daily_report(*, actor, day: dt.date, reflection: str = "") -> DailyReport:
    """The rep submits the report of ``day``: the day's touches plus a reflection.
    Resubmitting after a comment updates the reflection."""
    errors: dict[str, list[str]] = {}
    reflection = text(reflection, "reflection", errors, max_length=10_000)
    if day > timezone.localdate():
        errors["day"] = [_("You cannot report a day that has not come yet.")]
    if errors:
        raise ValidationFailed(errors)
    report, created = DailyReport.objects.select_for_update().get_or_create(
        rep=actor, day=day, defaults={"team_id": actor.team_id}
    )
    if report.status == ReportStatus.APPROVED:
        raise DomainError(_("This report is already approved."), code="report_approved", status=409)
    before = {"status": report.status, "reflection": report.reflection}
    report.reflection = reflection
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.team_id = actor.team_id
    report.save()
    audit.record(
        actor=actor,
        action="create" if created else "update",
        obj=report,
        subject=actor,
        changes=audit.diff(before, {"status": report.status, "reflection": report.reflection}),
    )
    manager = User.objects.filter(team_id=actor.team_id, role="manager", is_active=True).exclude(
        pk=actor.pk
    )
    for lead in manager:
        notify(
            user=lead,
            key=f"report-submitted:{report.pk}:{report.submitted_at.isoformat()}",
            title=_("%(rep)s submitted the daily report of %(day)s") % {"rep": actor, "day": day},
            url=reverse("activities:report", args=[report.pk]),
        )
    return report


@transaction.atomic
def comment_on_report(*, actor, report: DailyReport, body: str) -> DailyReportComment:
    """A comment on a daily report; the rep (or, when the rep answers, the manager) is notified."""
    errors: dict[str, list[str]] = {}
    body = text(body, "body", errors, max_length=5000, required=True)
    if errors:
        raise ValidationFailed(errors)
    if actor.pk != report.rep_id and not is_team_lead(actor, report.rep):
        raise NotFound()
    comment = DailyReportComment.objects.create(report=report, author=actor, body=body)
    audit.record(
        actor=actor,
        action="comment",
        obj=report,
        subject=report.rep,
        changes={"comment": [None, body]},
    )
    url = reverse("activities:report", args=[report.pk])
    title = _("%(author)s commented on the daily report of %(day)s") % {
        "author": actor,
        "day": report.day,
    }
    if actor.pk != report.rep_id:
        notify(
            user=report.rep,
            key=f"report-comment:{comment.pk}",
            title=title,
            body=body[:500],
            url=url,
        )
    else:
        for lead in User.objects.filter(team_id=report.team_id, role="manager", is_active=True):  # type: ignore[misc]
            notify(
                user=lead,
                key=f"report-comment:{comment.pk}:{lead.pk}",
                title=title,
                body=body[:500],
                url=url,
            )
    return comment


def _reviewed(actor, report: DailyReport, refused: str) -> DailyReport:
    """The report locked for the team's manager's decision (a submitted one)."""
    current = DailyReport.objects.select_for_update().select_related("rep").get(pk=report.pk)
    if actor.pk == current.rep_id or not is_team_lead(actor, current.rep):
        raise DomainError(refused, code="permission_denied", status=403)
    if current.status != ReportStatus.SUBMITTED:
        raise DomainError(
            _("Only a submitted report can be approved or sent back."),
            code="report_not_submitted",
            status=409,
        )
    return current


def frozen_content(actor, report: DailyReport) -> dict:
    """The report as the manager reads it now — reflection and the day's touches they may
    see (never the rep's private notes) — kept on approval so it reads the same later."""
    day_start = timezone.make_aware(dt.datetime.combine(report.day, dt.time.min))
    touches = (
        restrict(Touch.objects.all(), actor, VIEW)
        .filter(
            rep_id=report.rep_id,
            occurred_at__gte=day_start,
            occurred_at__lt=day_start + dt.timedelta(days=1),
        )
        .select_related("person", "company")
        .order_by("occurred_at", "id")
    )
    return {
        "reflection": report.reflection,
        "touches": [
            {
                "id": t.pk,
                "occurred_at": t.occurred_at.isoformat(),
                "kind": t.kind,
                "summary": t.summary,
                "body": t.body,
                "outcome": t.outcome,
                "mood": t.mood,
                "follow_up": t.follow_up,
                "duration_minutes": t.duration_minutes,
                "customer": str(t.person or t.company),
                "person_id": t.person_id,
                "company_id": t.company_id,
            }
            for t in touches
        ],
    }


@transaction.atomic
def return_daily_report(*, actor, report: DailyReport, comment: str) -> DailyReport:
    """Send a submitted report back for correction (差し戻し) with a comment; the rep is
    notified, corrects the reflection and submits again."""
    errors: dict[str, list[str]] = {}
    comment = text(comment, "body", errors, max_length=5000, required=True)
    if errors:
        raise ValidationFailed(
            {"body": [_("Say what should be corrected.")]}, code="comment_required"
        )
    current = _reviewed(actor, report, _("Only the team's manager can send a daily report back."))
    current.status = ReportStatus.RETURNED
    current.save(update_fields=["status"])
    note = DailyReportComment.objects.create(report=current, author=actor, body=comment)
    audit.record(
        actor=actor,
        action="return",
        obj=current,
        subject=current.rep,
        changes={"status": [ReportStatus.SUBMITTED, ReportStatus.RETURNED]},
    )
    notify(
        user=current.rep,
        key=f"report-returned:{current.pk}:{note.pk}",
        title=_("Your daily report of %(day)s was sent back for correction") % {"day": current.day},
        body=comment[:500],
        url=reverse("activities:report", args=[current.pk]),
    )
    return current


@transaction.atomic
def approve_daily_report(*, actor, report: DailyReport) -> DailyReport:
    current = _reviewed(actor, report, _("Only the team's manager can approve a daily report."))
    current.status = ReportStatus.APPROVED
    current.approved_by = actor
    current.approved_at = timezone.now()
    current.approved_content = frozen_content(actor, current)
    current.save()
    audit.record(
        actor=actor,
        action="approve",
        obj=current,
        subject=current.rep,
        changes={"status": [ReportStatus.SUBMITTED, ReportStatus.APPROVED]},
    )
    notify(
        user=current.rep,
        key=f"report-approved:{current.pk}",
        title=_("Your daily report of %(day)s was approved") % {"day": current.day},
        url=reverse("activities:report", args=[current.pk]),
    )
    return current


# --- handover -----------------------------------------------------------------------------


def _open_period(customer, field: str, now) -> OwnershipPeriod:
    """The current ownership period, created from the customer's start if none was kept."""
    period = (
        OwnershipPeriod.objects.filter(**{field: customer}, ended_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    if period is None:
        period = OwnershipPeriod.objects.create(
            **{field: customer}, owner_id=customer.owner_id, started_at=customer.created_at
        )
    return period


@transaction.atomic
def hand_over_customers(
    *, actor, people=(), companies=(), to_user: User, note: str = ""
) -> list[OwnershipPeriod]:
    """Give customers (one or many) to another rep with a note (引き継ぎ). The owner and
    team change through the customer services (so their audit is right), the ownership
    history gets a new period, the previous owner's open next actions move with the
    customer, and the new owner is notified."""
    errors: dict[str, list[str]] = {}
    note = text(note, "note", errors, max_length=5000)
    if not people and not companies:
        errors["customers"] = [_("Choose at least one customer.")]
    if to_user is None or not to_user.is_active:
        errors["to_user"] = [_("Choose the rep who takes over.")]
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    periods = []
    for field, customers, update in (
        ("person", people, customer_services.update_person),
        ("company", companies, customer_services.update_company),
    ):
        for customer in customers:
            previous_owner_id = customer.owner_id
            if previous_owner_id == to_user.pk:
                continue
            update(actor=actor, **{field: customer}, data={"owner": to_user, "team": to_user.team})
            current = _open_period(customer, field, now)
            current.ended_at = now
            current.save(update_fields=["ended_at"])
            period = OwnershipPeriod.objects.create(
                **{field: customer},
                owner=to_user,
                started_at=now,
                note=note,
                handed_over_by=actor if is_user(actor) else None,
            )
            NextAction.objects.filter(
                **{field: customer}, assignee_id=previous_owner_id, status=Status.OPEN
            ).update(assignee=to_user, team_id=to_user.team_id, updated_at=now)
            previous = User.objects.filter(pk=previous_owner_id).first()
            audit.record(
                actor=actor,
                action="handover",
                object_type=f"customers.{field}",
                object_id=customer.pk,
                object_repr=str(customer),
                subject=customer,
                changes={"owner": [str(previous) if previous else None, str(to_user)]},
                note=note,
            )
            periods.append(period)
    if periods:
        url = reverse("activities:home")
        notify(
            user=to_user,
            key=f"handover:{periods[0].pk}",
            title=_("%(count)d customers were handed over to you") % {"count": len(periods)},
            body=note,
            url=url,
        )
        events.emit(
            "customer.handed_over", period_ids=[p.pk for p in periods], to_user_id=to_user.pk
        )
    return periods
