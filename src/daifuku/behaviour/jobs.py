"""Periodic work of web behaviour (scheduled in apps.py through core.schedule)."""

from __future__ import annotations


def flush_inbox() -> int:
    """Move batches a quiet or restarted process left in the inbox into events."""
    from .services import flush

    return flush()


def delete_expired_events() -> int:
    """Daily: events older than the retention period go."""
    from .services import delete_expired_events as delete

    return delete()
