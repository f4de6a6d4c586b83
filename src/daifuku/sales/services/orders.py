"""A won deal becomes an order (注文) in commerce, so the customer's purchases and every
figure built on them (analytics, the 360° page) include what the sales team sold.

Runs after the win has committed (``deal.won`` subscriber): a failure is logged and never
undoes the win. The order is numbered ``DEAL-<id>`` from source ``sales``, so a deal won,
reopened and won again still has one order (commerce's ``record_order`` is idempotent)."""

from __future__ import annotations

from django.utils import timezone

from daifuku.commerce.models import TAX_RATES, TaxCategory
from daifuku.commerce.services import record_order

from ..models import Deal

SOURCE = "sales"
ACTOR = "sales (deal won)"


def order_number(deal_id: int) -> str:
    return f"DEAL-{deal_id}"


def order_for_won_deal(*, deal_id: int, won_at=None, **_payload):
    """Record the order of a won deal: its line items (quantity, unit price before tax,
    the line's tax rate), or one line for the deal's amount when it has none."""
    deal = Deal.objects.filter(pk=deal_id, status="won").first()
    if deal is None or (deal.person_id is None and deal.company_id is None):
        return None
    lines = [
        {
            "product": line.product,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "tax_rate": TAX_RATES[TaxCategory(line.tax_category)],
        }
        for line in deal.lines.select_related("product")
        if line.quantity > 0
    ]
    if not lines:
        lines = [{"name": deal.title, "quantity": 1, "unit_price": deal.amount, "tax_rate": 10}]
    order, _created = record_order(
        actor=ACTOR,
        number=order_number(deal.pk),
        source=SOURCE,
        person=deal.person,
        company=deal.company,
        ordered_at=won_at or deal.closed_at or timezone.now(),
        lines=lines,
    )
    return order
