"""Customer analytics: per-customer metric snapshots, ranks, RFM, predicted CLV, business-level figures and recommendations, computed from commerce's orders."""

from .clv import CLVFit, CustomerPrediction
from .metrics import BuyerType, ChurnRisk, CustomerMetrics, RFMScale
from .ranks import RankChange, RankRule

__all__ = [
    "BuyerType",
    "CLVFit",
    "ChurnRisk",
    "CustomerMetrics",
    "CustomerPrediction",
    "RFMScale",
    "RankChange",
    "RankRule",
]
