"""An order given as the body of ``POST /api/v1/orders`` (the API and the signed webhook
take the same JSON): find its customer, read its date, record it."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from daifuku.core.errors import ValidationFailed

from ..schemas import OrderIn
from .orders import record_order


def parse_when(value: str | None, field: str = "ordered_at"):
    """An ISO date (a day in Japan) or an ISO date and time (naive = Japan time)."""
    text = (value or "").strip()
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            {
                field: [
                    _("Use an ISO date (2026-11-03) or date and time (2026-11-03T10:30:00+09:00).")
                ]
            },
            code="invalid_date",
        ) from None


def record_order_body(*, actor, payload: OrderIn, source: str, default_channel=None):
    """Record the order of an API/webhook body for ``actor`` (who must be able to read the
    customer it names); ``(order, created)`` as :func:`record_order`."""
    from ..selectors import customer_for_api

    customer = customer_for_api(
        actor,
        person_id=payload.person_id,
        company_id=payload.company_id,
        customer_number=payload.customer_number,
    )
    lines = (
        None
        if payload.lines is None
        else [line.model_dump(exclude_none=True) for line in payload.lines]
    )
    return record_order(
        actor=actor,
        number=payload.number,
        source=source,
        **customer,
        ordered_at=parse_when(payload.ordered_at),
        channel=payload.channel or default_channel,
        store=payload.store,
        lines=lines,
        total=payload.total,
        tax_rate=payload.tax_rate,
        currency=payload.currency,
    )
