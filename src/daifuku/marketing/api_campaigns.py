"""``/api/v1/campaigns``: thin adapters over the campaign selectors and services.

``POST /campaigns/{id}/send`` answers 422 ``{"code": "campaign_blocked", "problems":
[{code, message, field, blocks}]}`` when a pre-send check blocks it and 409
``campaign_already_started`` when it was started before."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from daifuku.accounts.permissions import CHANGE
from daifuku.core.conditional import if_match_version
from daifuku.core.errors import PermissionDenied

from .permissions import may_send
from .schemas_campaigns import CampaignIn, CampaignList, CampaignOut, StatsOut
from .selectors import campaigns as selectors
from .services import campaigns as services

router = Router(tags=["marketing"])


def campaign_dict(campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "segment_id": campaign.segment_id,
        "template_id": campaign.template_id,
        "persona_id": campaign.persona_id,
        "topic_id": campaign.topic_id,
        "subject": campaign.subject,
        "html": campaign.html,
        "text": campaign.text,
        "is_advertising": campaign.is_advertising,
        "send_at": campaign.send_at,
        "started_at": campaign.started_at,
        "finished_at": campaign.finished_at,
        "ab_share": campaign.ab_share,
        "ab_metric": campaign.ab_metric,
        "ab_wait_hours": campaign.ab_wait_hours,
        "variants": [
            {"label": v.label, "subject": v.subject, "is_winner": v.is_winner}
            for v in selectors.variants_of(campaign)
        ],
        "skipped": campaign.skipped or {},
        "problems": campaign.problems or [],
        "owner": campaign.owner.get_username() if campaign.owner_id else None,
        "version": campaign.version,
        "created_at": campaign.created_at,
        "updated_at": campaign.updated_at,
    }


def _data(payload: CampaignIn) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if not data.get("variants"):
        data.pop("variants", None)
    return data


@router.get("/campaigns", response=CampaignList, summary="Every campaign, newest first")
def list_campaigns(request):
    return {"items": [campaign_dict(c) for c in selectors.list_campaigns(request.auth)]}


@router.post(
    "/campaigns",
    response={201: CampaignOut},
    summary="Write a campaign (a draft; scheduled when send_at is given)",
)
def create_campaign(request, payload: CampaignIn):
    campaign = services.create_campaign(actor=request.auth, data=_data(payload))
    return Status(201, campaign_dict(selectors.get_campaign(request.auth, campaign.pk)))


@router.get("/campaigns/{campaign_id}", response=CampaignOut, summary="One campaign")
def get_campaign(request, campaign_id: int):
    return campaign_dict(selectors.get_campaign(request.auth, campaign_id))


@router.put(
    "/campaigns/{campaign_id}",
    response=CampaignOut,
    summary="Change a draft or scheduled campaign (If-Match: the version read)",
)
def update_campaign(request, campaign_id: int, payload: CampaignIn):
    campaign = selectors.get_campaign(request.auth, campaign_id, CHANGE)
    services.update_campaign(
        actor=request.auth,
        campaign=campaign,
        data=_data(payload),
        expected_version=if_match_version(request, campaign.version),
    )
    return campaign_dict(selectors.get_campaign(request.auth, campaign.pk))


@router.post(
    "/campaigns/{campaign_id}/send",
    response={202: CampaignOut},
    summary="Start sending now (422 campaign_blocked with the problems; 409 when started)",
    description="A 422 `campaign_blocked` answers the Error shape plus `problems`: "
    "[{code, message, field, blocks}] — what the pre-send checks found that must be fixed.",
)
def send_campaign(request, campaign_id: int):
    campaign = selectors.get_campaign(request.auth, campaign_id, CHANGE)
    if not may_send(request.auth):
        raise PermissionDenied(_("Only marketers, managers and administrators send campaigns."))
    services.start_send(campaign, actor=request.auth)
    return Status(202, campaign_dict(selectors.get_campaign(request.auth, campaign.pk)))


@router.post(
    "/campaigns/{campaign_id}/cancel",
    response=CampaignOut,
    summary="Cancel a draft, a scheduled campaign or an A/B test's rest",
)
def cancel_campaign(request, campaign_id: int):
    campaign = selectors.get_campaign(request.auth, campaign_id, CHANGE)
    services.cancel_campaign(actor=request.auth, campaign=campaign)
    return campaign_dict(selectors.get_campaign(request.auth, campaign.pk))


@router.get(
    "/campaigns/{campaign_id}/stats",
    response=StatsOut,
    summary="Sent, delivered, bounced, opened, clicked, unsubscribed, conversions, revenue, "
    "who was left out and why; per A/B variant too",
)
def campaign_stats(request, campaign_id: int):
    return selectors.campaign_stats(selectors.get_campaign(request.auth, campaign_id))
