"""Reads of the analytics app (the only read path): customer figures and ranks (``metrics``,
``ranks``), business figures (``business``), the CLV fit and predictions (``clv``),
cross-sell and up-sell (``crosssell``), advocates (``advocacy``); every
user-visible read through ``restrict()``."""
