"""Every write of web behaviour goes through these functions."""

from .collect import CollectRefused, accept_batch, flush, maybe_flush
from .identity import identify, make_token
from .retention import delete_expired_events
from .settings import rotate_identify_secret, update_settings

__all__ = [
    "CollectRefused",
    "accept_batch",
    "delete_expired_events",
    "flush",
    "identify",
    "make_token",
    "maybe_flush",
    "rotate_identify_secret",
    "update_settings",
]
