"""Customer analytics: per-customer metric snapshots, ranks, RFM, predicted CLV, business-level figures and recommendations, computed from commerce's orders."""

from .advocacy import AdvocateRules, NpsAnswer, Referral
from .clv import CLVFit, CustomerPrediction
from .figures import FigurePart, FigureTotal
from .metrics import BuyerType, ChurnRisk, CustomerMetrics, RFMScale
from .ranks import RankChange, RankRule

__all__ = [
    "AdvocateRules",
    "BuyerType",
    "CLVFit",
    "ChurnRisk",
    "CustomerMetrics",
    "CustomerPrediction",
    "FigurePart",
    "FigureTotal",
    "NpsAnswer",
    "RFMScale",
    "RankChange",
    "RankRule",
    "Referral",
]
