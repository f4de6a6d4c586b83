"""The 360° person page's おすすめ商品 panel: what to suggest to this customer next."""

from __future__ import annotations

from daifuku.commerce.timeline_sources import yen

from .selectors.crosssell import recommendations_for

PANEL_SIZE = 3


def person_recommendations_panel(request, person) -> dict:
    """The top products for the person with the reason in words (co-purchase or popular)."""
    items = recommendations_for(request.user, person=person, limit=PANEL_SIZE)
    return {
        "recommendations": [
            {
                "name": item["name"],
                "price": yen(item["unit_price"]),
                "reason": item["explanation"],
                "co_purchase": item["reason"] == "co_purchase",
            }
            for item in items
        ]
    }
