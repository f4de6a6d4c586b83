"""Campaigns (メール配信): writing one, scheduling it, cancelling it, and starting the send.

A campaign is written directly or from a template (its subject and bodies are *copied*, so
a later change of the template does not change a campaign already prepared). Starting the
send is where the law is applied: the pre-send checks (:func:`mailing.hooks.preflight_problems`)
must find nothing blocking, the audience is resolved with everyone left out counted by
reason (:mod:`.audience`), one delivery row per address is written, and the delivery
engine's job is enqueued after commit. With an A/B test only the test group gets rows at
the start; :mod:`.ab` releases the rest with the winning subject later.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, check_version, ensure_can, is_user
from daifuku.core import audit
from daifuku.core.errors import DomainError, PermissionDenied, ValidationFailed

from ..mailing.hooks import Problem, preflight_problems
from ..models import (
    AbMetric,
    Campaign,
    CampaignStatus,
    CampaignVariant,
    MailTemplate,
    MailTopic,
    Persona,
    Segment,
)
from ..permissions import may_send
from . import audience as audience_mod

logger = logging.getLogger(__name__)

FIELDS = (
    "name",
    "segment",
    "template",
    "subject",
    "persona",
    "topic",
    "is_advertising",
    "send_at",
    "status",
    "ab_share",
    "ab_metric",
    "ab_wait_hours",
)
EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)
LABELS = "ABCDEFGHIJ"


class CampaignBlocked(DomainError):
    """The pre-send checks found problems that must be fixed first (HTTP 422); the API
    answers them as ``problems`` [{code, message, field}]."""

    code = "campaign_blocked"
    status = 422

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            _("The campaign cannot be sent yet: %(count)s problem(s) to fix.")
            % {"count": len(problems)}
        )

    def as_dict(self) -> dict:
        return {**super().as_dict(), "problems": [problem_dict(p) for p in self.problems]}


def problem_dict(problem: Problem) -> dict:
    return {
        "code": problem.code,
        "message": str(problem.message),
        "field": problem.field,
        "blocks": problem.blocks,
    }


def _pick(model, value, field: str, errors: dict, message: str):
    if value in (None, ""):
        return None
    try:
        return model.objects.get(pk=int(value))
    except (TypeError, ValueError, model.DoesNotExist):
        errors[field] = [message]
        return None


def _when(value, errors: dict) -> dt.datetime | None:
    if value in (None, ""):
        return None
    when = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if when is None:
        errors["send_at"] = [_("Give the send time as a date and time.")]
        return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _variants(raw, errors: dict) -> list[str]:
    subjects = []
    for item in raw or []:
        subject = item.get("subject") if isinstance(item, dict) else item
        subject = str(subject or "").strip()
        if subject:
            subjects.append(subject[:200])
    if len(subjects) == 1:
        errors["variants"] = [_("An A/B test needs at least two subjects.")]
    elif len(subjects) > len(LABELS):
        errors["variants"] = [_("Use at most %(n)s subjects.") % {"n": len(LABELS)}]
    return subjects


def _clean(data: dict[str, Any], campaign: Campaign | None) -> tuple[dict, list[str] | None]:
    """Validated field values (and the A/B subjects when given) or a ValidationFailed."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    creating = campaign is None
    if creating or "name" in data:
        values["name"] = str(data.get("name") or "").strip()
        if not values["name"]:
            errors["name"] = [_("Give the campaign a name.")]
        elif len(values["name"]) > 200:
            errors["name"] = [_("Use at most 200 characters.")]
    if creating or "segment_id" in data:
        segment = _pick(
            Segment, data.get("segment_id"), "segment_id", errors, _("Choose a segment.")
        )
        if segment is None and "segment_id" not in errors:
            errors["segment_id"] = [_("Choose the segment or list to send to.")]
        values["segment"] = segment
    template = None
    if "template_id" in data:
        template = _pick(
            MailTemplate, data.get("template_id"), "template_id", errors, _("Choose a template.")
        )
        values["template"] = template
    for key, model, message in (
        ("persona_id", Persona, _("Choose a sender persona.")),
        ("topic_id", MailTopic, _("Choose a mail topic.")),
    ):
        if key in data:
            values[key[:-3]] = _pick(model, data.get(key), key, errors, message)
    for key, limit in (("subject", 200), ("html", None), ("text", None)):
        if key in data or creating:
            text = str(data.get(key) or "")
            if template is not None and not text.strip():
                text = getattr(template, key)  # copied: later template edits leave it alone
            values[key] = text.strip() if key == "subject" else text
            if limit and len(values[key]) > limit:
                errors[key] = [_("Use at most 200 characters.")]
    if "is_advertising" in data and data["is_advertising"] is not None:
        values["is_advertising"] = bool(data["is_advertising"])
    elif creating and template is not None:
        values["is_advertising"] = template.is_advertising
    if "send_at" in data:
        values["send_at"] = _when(data.get("send_at"), errors)
        if values["send_at"] and values["send_at"] <= timezone.now():
            errors["send_at"] = [_("Choose a send time in the future, or send now.")]
    subjects = _variants(data.get("variants"), errors) if "variants" in data else None
    if "ab_metric" in data and data["ab_metric"] is not None:
        if data["ab_metric"] not in AbMetric.values:
            errors["ab_metric"] = [_("Choose the open rate or the click rate.")]
        values["ab_metric"] = data["ab_metric"]
    for key, low, high in (("ab_share", 0, 100), ("ab_wait_hours", 1, 24 * 14)):
        if key in data and data[key] is not None:
            try:
                number = int(data[key])
            except (TypeError, ValueError):
                number = -1
            if not low <= number <= high:
                errors[key] = [
                    _("Use a number from %(low)s to %(high)s.") % {"low": low, "high": high}
                ]
            values[key] = number
    if errors:
        raise ValidationFailed(errors)
    return values, subjects


def _check_whole(campaign: Campaign, subjects: list[str], has_variants: bool) -> None:
    errors: dict[str, list[str]] = {}
    if subjects and not campaign.subject:
        campaign.subject = subjects[0]
    if not campaign.subject:
        errors["subject"] = [_("Write a subject.")]
    if not (campaign.html.strip() or campaign.text.strip()):
        errors["text"] = [_("Write the mail: an HTML or a plain-text body.")]
    if has_variants and not 1 <= campaign.ab_share <= 100:
        errors["ab_share"] = [_("Choose the share of the audience that tests the subjects.")]
    if errors:
        raise ValidationFailed(errors)


def _save_variants(campaign: Campaign, subjects: list[str] | None) -> None:
    if subjects is None:
        return
    campaign.variants.all().delete()
    CampaignVariant.objects.bulk_create(
        CampaignVariant(campaign=campaign, label=LABELS[i], subject=s)
        for i, s in enumerate(subjects)
    )


@transaction.atomic
def create_campaign(*, actor, data: dict[str, Any]) -> Campaign:
    """Write a campaign (a draft, or scheduled when ``send_at`` is given)."""
    values, subjects = _clean(data, None)
    campaign = Campaign(owner=actor if is_user(actor) else None, **values)
    _check_whole(campaign, subjects or [], bool(subjects))
    if campaign.send_at:
        campaign.status = CampaignStatus.SCHEDULED
    campaign.save()
    _save_variants(campaign, subjects)
    audit.record(
        actor=actor, action="create", obj=campaign,
        changes=audit.diff({}, audit.snapshot(campaign, FIELDS)),
    )  # fmt: skip
    return campaign


def _editable(campaign: Campaign) -> None:
    if campaign.status not in EDITABLE:
        raise DomainError(
            _("A campaign that was sent or cancelled cannot change."),
            code="campaign_not_editable",
            status=409,
        )


@transaction.atomic
def update_campaign(
    *, actor, campaign: Campaign, data: dict[str, Any], expected_version: int | None = None
) -> Campaign:
    """Change a draft or scheduled campaign; giving ``send_at`` (re)schedules it, an empty
    one makes it a draft again."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    ensure_can(actor, CHANGE, campaign)
    check_version(campaign, expected_version)
    _editable(campaign)
    before = audit.snapshot(campaign, FIELDS)
    values, subjects = _clean(data, campaign)
    for name, value in values.items():
        setattr(campaign, name, value)
    has_variants = bool(subjects) if subjects is not None else campaign.variants.exists()
    _check_whole(campaign, subjects or [], has_variants)
    if "send_at" in values:
        campaign.status = CampaignStatus.SCHEDULED if campaign.send_at else CampaignStatus.DRAFT
        campaign.problems = []
    campaign.version += 1
    campaign.save()
    _save_variants(campaign, subjects)
    audit.record(
        actor=actor, action="update", obj=campaign,
        changes=audit.diff(before, audit.snapshot(campaign, FIELDS)),
    )  # fmt: skip
    return campaign


def schedule_campaign(*, actor, campaign: Campaign, send_at) -> Campaign:
    """Send the campaign at ``send_at`` (the schedule starts it; see :func:`start_due`)."""
    if send_at in (None, ""):
        raise ValidationFailed({"send_at": [_("Choose the send time.")]})
    return update_campaign(actor=actor, campaign=campaign, data={"send_at": send_at})


@transaction.atomic
def cancel_campaign(*, actor, campaign: Campaign) -> Campaign:
    """Cancel a draft or scheduled campaign, or an A/B test whose rest is not released
    (the test group's mails already handed to the engine are not called back)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    ensure_can(actor, CHANGE, campaign)
    if campaign.status not in (*EDITABLE, CampaignStatus.TESTING):
        raise DomainError(
            _("Only a campaign that is not being sent can be cancelled."),
            code="campaign_not_cancellable",
            status=409,
        )
    before = audit.snapshot(campaign, FIELDS)
    campaign.status = CampaignStatus.CANCELLED
    campaign.version += 1
    campaign.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor=actor, action="cancel", obj=campaign,
        changes=audit.diff(before, audit.snapshot(campaign, FIELDS)),
    )  # fmt: skip
    return campaign


def blocking_problems(campaign: Campaign) -> list[Problem]:
    return [p for p in preflight_problems(campaign) if p.blocks]


@transaction.atomic
def start_send(campaign: Campaign, *, actor="system") -> Campaign:
    """Start sending now: refuse with :class:`CampaignBlocked` when a pre-send check
    blocks, with a 409 when it was already started; else write the delivery rows (the
    test group only for an A/B test), record who was left out, and enqueue the delivery
    engine after commit."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    ensure_can(actor, CHANGE, campaign)
    if is_user(actor) and not may_send(actor):
        raise PermissionDenied(_("Only marketers, managers and administrators send campaigns."))
    if campaign.status not in EDITABLE:
        raise DomainError(
            _("This campaign was already started or cancelled."),
            code="campaign_already_started",
            status=409,
        )
    blocking = blocking_problems(campaign)
    if blocking:
        raise CampaignBlocked(blocking)
    before = audit.snapshot(campaign, FIELDS)
    variants = list(campaign.variants.order_by("label"))
    if variants:  # an A/B test splits the whole audience: resolved at once
        resolved = audience_mod.resolve(campaign)
        if campaign.ab_share < 100:
            from .ab import test_group

            recipients, variant_of = test_group(campaign, resolved.recipients, variants)
            campaign.status = CampaignStatus.TESTING
        else:  # everyone in the test: split evenly, no rest to release
            from .ab import split

            recipients, variant_of = (
                resolved.recipients,
                split(campaign, resolved.recipients, variants),
            )
            campaign.status = CampaignStatus.SENDING
        audience_mod.create_deliveries(campaign, recipients, variant_of=variant_of)
        campaign.audience_cursor = None
    else:
        # the first chunk now; a larger audience's rest is written by the delivery jobs
        # while the first mails leave (audience_mod.extend)
        resolved = audience_mod.write_chunk(campaign, None)
        recipients = resolved.recipients
        campaign.status = CampaignStatus.SENDING
        campaign.audience_cursor = resolved.last_person_id if resolved.more else None
    campaign.skipped = resolved.skipped
    campaign.problems = []
    campaign.started_at = timezone.now()
    campaign.version += 1
    campaign.save()
    more = "; the rest being written" if campaign.audience_cursor is not None else ""
    audit.record(
        actor=actor, action="send", obj=campaign,
        changes=audit.diff(before, audit.snapshot(campaign, FIELDS)),
        note=f"{len(recipients)} deliveries{more}; skipped {resolved.skipped}",
    )  # fmt: skip
    enqueue_delivery(campaign.pk)
    return campaign


def enqueue_delivery(campaign_id: int) -> None:
    """Hand the campaign to the delivery engine's job after commit
    (``marketing.jobs.send_campaign_task``, written by the delivery engine). The job is
    found through :func:`use_delivery_job` (set in ``MarketingConfig.ready``) so these
    services never import the jobs module that runs them (no import circle)."""
    task = _delivery_job() if _delivery_job else None
    if task is None:
        logger.warning("no delivery engine (jobs.send_campaign_task) for campaign %s", campaign_id)
        return
    transaction.on_commit(lambda: task.enqueue(campaign_id))


_delivery_job: Callable[[], Any] | None = None


def use_delivery_job(find: Callable[[], Any]) -> None:
    """Name the delivery engine's job: ``find()`` returns the task (or None) when called."""
    global _delivery_job
    _delivery_job = find


def start_due(now=None) -> list[int]:
    """The schedule's entry: start every scheduled campaign whose time has come. One that
    a pre-send check blocks goes back to draft with its problems kept for its page."""
    now = now or timezone.now()
    started = []
    due = Campaign.objects.filter(status=CampaignStatus.SCHEDULED, send_at__lte=now)
    for campaign in due.order_by("send_at", "pk"):
        try:
            start_send(campaign)
            started.append(campaign.pk)
        except CampaignBlocked as exc:
            Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SCHEDULED).update(
                status=CampaignStatus.DRAFT, problems=[problem_dict(p) for p in exc.problems]
            )
        except DomainError:
            continue  # started by someone else meanwhile
    return started


def finish_done(now=None) -> list[int]:
    """Mark ``sent`` every sending campaign none of whose deliveries is still waiting,
    being sent or retrying (``unknown`` rows are final: reported, never resent)."""
    from ..models import Delivery, DeliveryStatus

    open_states = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.DEFERRED)
    busy = Delivery.objects.filter(status__in=open_states).values("campaign_id")
    done = Campaign.objects.filter(
        status=CampaignStatus.SENDING, audience_cursor__isnull=True
    ).exclude(pk__in=busy)
    ids = list(done.values_list("pk", flat=True))
    if ids:
        Campaign.objects.filter(pk__in=ids, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.SENT, finished_at=now or timezone.now()
        )
    return ids
