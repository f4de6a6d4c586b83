"""The delivery engine (issue 20): sends a campaign's delivery rows over persistent SMTP
connections, at the configured rates, each at most once, none silently lost
(docs/mail-delivery.md). The job that runs it is ``marketing.jobs.send_campaign_task``."""

from .claims import recover, recover_stale_claims
from .engine import RunReport, send_pending, status_counts
from .watch import campaigns_to_resume, finish_done_campaigns

__all__ = [
    "RunReport",
    "campaigns_to_resume",
    "finish_done_campaigns",
    "recover",
    "recover_stale_claims",
    "send_pending",
    "status_counts",
]
