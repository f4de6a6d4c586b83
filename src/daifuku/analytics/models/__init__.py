"""Customer analytics: per-customer metric snapshots, ranks, RFM, predicted CLV, business-level figures and recommendations, computed from commerce's orders."""
