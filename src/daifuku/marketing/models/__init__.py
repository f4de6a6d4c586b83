"""Marketing's records: segments (groups of customers by rules or by hand) and the mail
machine (sender settings, topics, personas, templates, campaigns, deliveries, events,
suppressions)."""

from .mail import (
    AbMetric,
    Campaign,
    CampaignStatus,
    CampaignVariant,
    Delivery,
    DeliveryStatus,
    MailEvent,
    MailEventKind,
    MailSettings,
    MailTemplate,
    MailTopic,
    Persona,
    Suppression,
    SuppressionReason,
    TopicPreference,
)
from .segments import Segment, SegmentKind, SegmentMembership, StaticMember
from .tracking import HitKind, TrackingHit

__all__ = [
    "AbMetric",
    "Campaign",
    "CampaignStatus",
    "CampaignVariant",
    "Delivery",
    "DeliveryStatus",
    "HitKind",
    "MailEvent",
    "MailEventKind",
    "MailSettings",
    "MailTemplate",
    "MailTopic",
    "Persona",
    "Segment",
    "SegmentKind",
    "SegmentMembership",
    "StaticMember",
    "Suppression",
    "SuppressionReason",
    "TopicPreference",
    "TrackingHit",
]
