"""Customer analytics: per-customer metric snapshots, ranks, RFM, predicted CLV, business-level figures and recommendations, computed from commerce's orders."""

from .clv import CLVFit, CustomerPrediction

__all__ = ["CLVFit", "CustomerPrediction"]
