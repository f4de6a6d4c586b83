"""One returned message in, what it did out — the one door both intakes (the IMAP poll
and the SMTP receiver) go through: read it (:mod:`.parse`), find its delivery, record it
(``services.feedback``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..services import feedback as feedback_services
from . import parse as parsing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """``outcome``: ``bounced``, ``soft_bounce``, ``complaint``, ``duplicate`` (seen
    before), ``unmatched`` (no delivery of ours named) or ``ignored`` (not a bounce, e.g.
    an out-of-office reply or a ``delivered`` notice)."""

    outcome: str
    kind: str
    format: str
    delivery_id: int | None = None
    suppressed: bool = False


def process(raw: bytes, *, envelope_recipients: list[str] | None = None) -> Outcome:
    """Read and record one message (safe to call twice with the same bytes)."""
    report = parsing.parse(raw, envelope_recipients=envelope_recipients)
    if report.kind == parsing.IGNORE:
        return Outcome("ignored", report.kind, report.format)
    delivery = feedback_services.find_delivery(
        tokens=[*report.verp_tokens, *report.header_tokens], message_ids=report.message_ids
    )
    if delivery is None:
        log.info("bounce report %s names no delivery of ours", report.source_id)
        return Outcome("unmatched", report.kind, report.format)
    if report.kind == parsing.COMPLAINT:
        recorded = feedback_services.record_complaint(
            delivery_id=delivery.pk,
            source_id=report.source_id,
            feedback_type=report.feedback_type or "abuse",
            user_agent=report.user_agent,
        )
    else:
        recorded = feedback_services.record_bounce(
            delivery_id=delivery.pk,
            hard=report.kind == parsing.HARD,
            source_id=report.source_id,
            status=report.status,
            diagnostic=report.diagnostic,
        )
    return Outcome(
        recorded.outcome, report.kind, report.format, recorded.delivery_id, recorded.suppressed
    )
