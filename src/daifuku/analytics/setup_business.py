"""Registrations of the business figures, CLV and recommendations (called from
``AnalyticsConfig.ready()``): read policies and the 360° page's おすすめ商品 panel."""

from __future__ import annotations


def register() -> None:
    from daifuku.accounts.permissions import register_policy
    from daifuku.core import panels

    from . import panels_business, permissions_business
    from .models import CLVFit, CustomerPrediction

    register_policy(CLVFit, permissions_business.fit_policy)
    register_policy(CustomerPrediction, permissions_business.prediction_policy)
    panels.register(
        "person.top",
        "analytics/partials/_person_recommendations_panel.html",
        panels_business.person_recommendations_panel,
        order=70,
    )
