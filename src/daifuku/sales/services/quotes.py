"""Issuing quotes (見積書): numbered gap-free per year, tax per rate, PDF stored with the deal."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, ensure_can, is_user
from daifuku.core import audit, events
from daifuku.core.errors import DomainError

from ..maths import tax
from ..models import Deal, Quote, QuoteCounter

VALID_DAYS = 30


def _next_number(year: int) -> int:
    """Lock the year's counter row and take the next number: two quotes issued at the same
    moment wait for each other, and a rolled-back quote gives its number back."""
    QuoteCounter.objects.get_or_create(year=year)
    counter = QuoteCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def issuer_snapshot(profile) -> dict[str, str]:
    """The issuer's lines as printed on a quote issued now (kept on the quote: a later
    change of the organisation profile does not rewrite an issued 見積書)."""
    return {
        "name": profile.name,
        "postal_code": profile.postal_code_display if profile.postal_code else "",
        "address": profile.address,
        "phone": profile.phone,
        "registration_number": profile.registration_number,
    }


def customer_name(deal: Deal) -> str:
    if deal.company_id:
        return f"{deal.company.display_name} 御中"  # type: ignore[union-attr]  # company_id is set
    return str(deal.person)  # Person.display_name carries 様


def _refuse_negative(summary: tax.TaxSummary) -> None:
    """A discount (値引き) lowers the total of its own tax rate; it may not take that rate —
    and so its consumption tax — below zero: a quote never owes the customer money."""
    negative = [part.rate for part in summary.per_rate if part.taxable < 0]
    if negative:
        message = _(
            "The discounts at %(rate)s%% are larger than the items at that rate; a quote cannot total "
            "less than zero."
        ) % {"rate": negative[0]}
        raise DomainError(
            message, code="quote_negative_total", errors={"lines": [message]}, status=422
        )


@transaction.atomic
def issue_quote(*, actor, deal: Deal, notes: str = "", issued_on: dt.date | None = None) -> Quote:
    """Freeze the deal's line items into a numbered quote (Q-2026-0001) with consumption
    tax per rate (10% / 8%) computed on the quote's per-rate totals and rounded down, and
    store its PDF with the deal."""
    from daifuku.accounts.selectors_organization import organization_profile

    from ..pdf import render_quote_pdf

    current = (
        Deal.objects.select_for_update(of=("self",))
        .select_related("company", "person", "owner")
        .get(pk=deal.pk)
    )
    ensure_can(actor, CHANGE, current)
    lines = list(current.lines.all())
    if not lines:
        raise DomainError(
            _("Add at least one line item before issuing a quote."),
            code="quote_without_lines",
            errors={"lines": [_("Add at least one line item before issuing a quote.")]},
            status=422,
        )
    issued_on = issued_on or timezone.localdate()
    summary = tax.compute((line.total, line.tax_category) for line in lines)
    _refuse_negative(summary)
    sequence = _next_number(issued_on.year)
    quote = Quote(
        deal=current,
        number=f"Q-{issued_on.year}-{sequence:04d}",
        year=issued_on.year,
        sequence=sequence,
        issued_on=issued_on,
        valid_until=issued_on + dt.timedelta(days=VALID_DAYS),
        customer_name=customer_name(current),
        lines=[
            {
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "tax_rate": tax.RATES[line.tax_category],
                "total": line.total,
            }
            for line in lines
        ],
        tax_breakdown=[
            {"rate": r.rate, "taxable": r.taxable, "tax": r.tax} for r in summary.per_rate
        ],
        subtotal=summary.subtotal,
        tax=summary.tax,
        total=summary.total,
        rounding=tax.ROUNDING,
        notes=(notes or "").strip()[:2000],
        created_by=actor if is_user(actor) else None,
    )
    issuer = organization_profile()
    quote.issuer = issuer_snapshot(issuer)
    quote.save()
    quote.pdf.save(
        f"{quote.number}.pdf", ContentFile(render_quote_pdf(quote, current, issuer)), save=True
    )
    # The issuer printed on the PDF, kept with the audit entry: the profile may change later.
    audit.record(
        actor=actor,
        action="create",
        obj=quote,
        subject=current,
        changes={
            "number": [None, quote.number],
            "total": [None, quote.total],
            "issuer": [None, issuer.name],
            "registration_number": [None, issuer.registration_number],
        },
    )
    events.emit("quote.issued", quote_id=quote.pk, deal_id=current.pk)
    return quote
