"""Things other domains add to "me" without accounts depending on them: a registry.

The activities domain registers the per-user iCalendar feed URL here."""

from __future__ import annotations

from collections.abc import Callable

_calendar_url_builder: Callable | None = None


def register_calendar_url(builder: Callable) -> None:
    global _calendar_url_builder
    _calendar_url_builder = builder


def calendar_url(request, user) -> str | None:
    return _calendar_url_builder(request, user) if _calendar_url_builder else None
