"""Every user-visible read in sales (docs/architecture.md convention 2): each query passes through
``restrict`` so another team's deal simply is not there (404)."""

from .deals import (
    DealFilters,
    active_lost_reasons,
    board,
    column_cards,
    count_deals,
    deals_queryset,
    get_deal,
    get_pipeline,
    get_quote,
    get_saved_view,
    get_stage,
    list_deals,
    lost_reasons_queryset,
    people_to_pick,
    picked_customers,
    pipelines,
    products_queryset,
    sales_settings,
    saved_views,
    stage_history,
    stage_in_pipeline,
    stages_of,
    stalled_deals,
)
from .reports import (
    attainment_rows,
    forecast,
    forecast_breakdown,
    forecast_by_month,
    funnel,
    get_target,
    lost_reasons,
    recent_targets,
    targets_overlapping,
    targets_queryset,
    won_totals,
)

__all__ = [
    "DealFilters", "active_lost_reasons", "attainment_rows", "lost_reasons_queryset", "board", "column_cards", "count_deals", "deals_queryset",
    "forecast", "forecast_breakdown", "forecast_by_month", "funnel", "get_deal", "get_pipeline",
    "get_quote", "get_saved_view", "get_stage", "get_target", "list_deals", "lost_reasons", "people_to_pick", "picked_customers",
    "pipelines", "products_queryset", "recent_targets", "sales_settings", "saved_views", "stage_history",
    "stage_in_pipeline", "stages_of", "stalled_deals", "targets_overlapping", "targets_queryset", "won_totals",
]
