"""Web behaviour on the person's 360° page: the latest things the customer did on the site
(shown only when there is something: most customers never visited the site logged in)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.formats import date_format
from django.utils.timezone import localtime

from .selectors import person_recent_events

RECENT = 5


def person_web_panel(request, person) -> dict:
    """One indexed query; the person page has already checked the user may read the person."""
    rows = []
    for event in person_recent_events(request.user, person, RECENT, checked=True):
        parts = urlsplit(event.url or "")
        rows.append(
            {
                "when": date_format(localtime(event.occurred_at), "n月j日 H:i"),
                "kind": event.get_kind_display(),
                "what": event.query or event.sku or (parts.path or "/"),
                "url": event.url if parts.scheme in ("http", "https") else "",
            }
        )
    return {"web_events": rows}
