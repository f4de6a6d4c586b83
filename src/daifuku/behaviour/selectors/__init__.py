"""Reads of web behaviour."""

from .events import person_recent_events, settings_for, viewed_products

__all__ = ["person_recent_events", "settings_for", "viewed_products"]
