"""Reads of the analytics app (the only read path): business figures (``business``), the
CLV fit and predictions (``clv``), cross-sell and up-sell (``crosssell``)."""
