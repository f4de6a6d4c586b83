"""Customer analytics: per-customer metric snapshots, ranks, RFM, predicted CLV, business-level figures and recommendations, computed from commerce's orders."""

from .advocacy import AdvocateRules, NpsAnswer, Referral

__all__ = ["AdvocateRules", "NpsAnswer", "Referral"]
