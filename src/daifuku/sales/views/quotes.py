"""Quotes: issue from the deal's lines, printable page, stored PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE
from daifuku.core.errors import DomainError

from .. import selectors, services


@login_required
@require_POST
def quote_issue(request, pk: int):
    deal = selectors.get_deal(request.user, pk, CHANGE)
    try:
        quote = services.issue_quote(
            actor=request.user, deal=deal, notes=request.POST.get("notes", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("sales:deal", deal.pk)
    messages.success(request, _("Quote %(number)s issued.") % {"number": quote.number})
    return redirect("sales:quote", quote.pk)


@login_required
def quote_detail(request, pk: int):
    from daifuku.accounts.selectors_organization import organization_profile

    from ..services.quotes import issuer_snapshot

    quote = selectors.get_quote(request.user, pk)
    return render(
        request,
        "sales/quote.html",
        # quotes issued before the issuer was kept on them show today's profile
        {
            "quote": quote,
            "deal": quote.deal,
            "issuer": quote.issuer or issuer_snapshot(organization_profile()),
        },
    )


@login_required
def quote_pdf(request, pk: int):
    quote = selectors.get_quote(request.user, pk)
    if not quote.pdf:
        raise Http404
    return FileResponse(
        quote.pdf.open("rb"), content_type="application/pdf", filename=f"{quote.number}.pdf"
    )
