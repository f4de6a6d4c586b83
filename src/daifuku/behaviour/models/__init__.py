"""Web behaviour (アクセスログ): anonymous visitors, their page/product/cart/search events from the first-party snippet, and the stitching of a visitor to a customer."""

from .events import BehaviourSettings, Event, EventKind, InboxBatch, VisitorLink

__all__ = ["BehaviourSettings", "Event", "EventKind", "InboxBatch", "VisitorLink"]
