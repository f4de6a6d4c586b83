"""Screens of commerce: orders and returns (``orders``), channels and the webhook settings
and receiver (``webhooks``)."""
