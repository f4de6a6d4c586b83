"""Registrations of the business figures, CLV and recommendations (called from
``AnalyticsConfig.ready()``): read policies, the 360° page's おすすめ商品 panel and the
nightly CLV fit."""

from __future__ import annotations


def register() -> None:
    from daifuku.accounts.permissions import register_policy
    from daifuku.core import panels, schedule

    from . import panels_business, permissions_business
    from .models import CLVFit, CustomerPrediction
    from .services.clv import nightly_fit

    register_policy(CLVFit, permissions_business.fit_policy)
    register_policy(CustomerPrediction, permissions_business.prediction_policy)
    panels.register(
        "person.top",
        "analytics/partials/_person_recommendations_panel.html",
        panels_business.person_recommendations_panel,
        order=70,
    )
    # predicted CLV and probability alive refitted once a day on the orders up to yesterday
    schedule.every(24 * 3600, "analytics.fit_clv", nightly_fit)
