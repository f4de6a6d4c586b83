"""Every user-visible read in sales (DESIGN.md convention 2): each query passes through
``restrict`` so another team's deal simply is not there (404)."""

from .deals import (
    DealFilters,
    board,
    column_cards,
    count_deals,
    deals_queryset,
    get_deal,
    get_pipeline,
    list_deals,
    pipelines,
    products_queryset,
    stage_history,
    stalled_deals,
)
from .reports import (
    attainment_rows,
    forecast,
    forecast_breakdown,
    forecast_by_month,
    funnel,
    won_totals,
)

__all__ = [
    "DealFilters", "attainment_rows", "board", "column_cards", "count_deals", "deals_queryset",
    "forecast", "forecast_breakdown", "forecast_by_month", "funnel", "get_deal", "get_pipeline",
    "list_deals", "pipelines", "products_queryset", "stage_history", "stalled_deals", "won_totals",
]
