"""Customer analytics: per-customer metric snapshots, ranks, RFM, predicted CLV, business-level figures and recommendations, computed from commerce's orders."""

from .metrics import BuyerType, ChurnRisk, CustomerMetrics, RFMScale
from .ranks import RankChange, RankRule

__all__ = ["BuyerType", "ChurnRisk", "CustomerMetrics", "RFMScale", "RankChange", "RankRule"]
