"""Sales (SFA / 営業支援): products, pipelines and stages, deals, quotes and targets."""

from .catalog import LostReason, Pipeline, Product, SalesSettings, Stage, StageKind, TaxCategory
from .deals import (
    Deal,
    DealContact,
    DealStatus,
    ForecastCategory,
    LineItem,
    StageChange,
    StageFlowDaily,
)
from .quotes import Quote, QuoteCounter
from .targets import SavedView, Target, TargetMetric

__all__ = [
    "Deal",
    "DealContact",
    "DealStatus",
    "ForecastCategory",
    "LineItem",
    "LostReason",
    "Pipeline",
    "Product",
    "Quote",
    "QuoteCounter",
    "SalesSettings",
    "SavedView",
    "Stage",
    "StageChange",
    "StageFlowDaily",
    "StageKind",
    "Target",
    "TargetMetric",
    "TaxCategory",
]
