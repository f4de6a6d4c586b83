"""Pure customer-analytics maths (no database, numpy/scipy): CLV (BG/NBD + Gamma-Gamma),
RFM scores, cohorts and retention, co-purchase pairs. Tested table-driven in
analytics/tests/."""
