"""The analytics panels of the person page (core.panels slot "person.top"): figures (rank,
LTV, RFM, purchases), advocacy (NPS, referrals), おすすめ商品 (what to suggest to this
customer next), and the demo's rebuild. The figures panel
reads the snapshot row only (one indexed query)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, may
from daifuku.commerce.timeline_sources import yen as commerce_yen

from .selectors import metrics as selectors
from .selectors.crosssell import recommendations_for

RECOMMENDATIONS_PANEL_SIZE = 3


def yen(amount: int | None) -> str:
    return "" if amount is None else f"¥{amount:,}"


def person_metrics_panel(request, person) -> dict:
    """What the person has bought, in the words of the shop: rank, LTV (= average order
    value × purchases), RFM scores, first/last purchase and churn risk."""
    row = selectors.snapshot(person, field="person")
    if row is None or row.order_count == 0:
        return {"metrics": None}
    return {
        "metrics": {
            "rank": row.rank.name if row.rank_id else "",
            "ltv": yen(row.ltv),
            "order_count": row.order_count,
            "total": yen(row.total),
            "average_order_value": yen(row.average_order_value),
            "rfm": f"R{row.rfm_r} F{row.rfm_f} M{row.rfm_m}",
            "first": date_format(localtime(row.first_order_at), "Y年n月j日")
            if row.first_order_at
            else "",
            "last": date_format(localtime(row.last_order_at), "Y年n月j日")
            if row.last_order_at
            else "",
            "recency_days": row.recency_days,
            "days_to_second": row.days_to_second,
            "buyer_type": row.get_buyer_type_display(),
            "churn_risk": row.get_churn_risk_display() if row.churn_risk else "",
            "high_risk": row.churn_risk == "high",
            "predicted_clv": yen(row.predicted_clv),
            "p_alive": None if row.p_alive is None else f"{row.p_alive:.0%}",
        },
        "metrics_help": _("LTV = average order value × purchases, net of returns."),
        "rank_changes": [
            {
                "date": date_format(localtime(change.changed_at), "Y年n月j日"),
                "from": change.from_name or _("no rank"),
                "to": change.to_name or _("no rank"),
                "reason": change.get_reason_display(),
            }
            for change in selectors.rank_history(person, field="person", limit=3)
        ],
    }


def demo_rebuild(context) -> str:
    """After the demo's orders: everybody's figures with RFM quintiles of the demo shop."""
    from .jobs import run_rebuild

    result = run_rebuild()
    return f"{result['person']['buyers']} buyers with metrics"


def person_advocacy_panel(request, person) -> dict:
    from .views.advocacy import panel_context

    context = panel_context(request, person)
    context["can_change"] = may(request.user, CHANGE, person)
    return context


def person_recommendations_panel(request, person) -> dict:
    """The top products for the person with the reason in words (bought with what they
    have, looked at on the site, or popular)."""
    items = recommendations_for(request.user, person=person, limit=RECOMMENDATIONS_PANEL_SIZE)
    return {
        "recommendations": [
            {
                "name": item["name"],
                "price": commerce_yen(item["unit_price"]),
                "reason": item["explanation"],
                "co_purchase": item["reason"] == "co_purchase",
            }
            for item in items
        ]
    }
