"""A selection of customers handed from a figure to the customer list (drill-down).

A chart (a cohort cell, a channel bar) knows which customers it counts, but the customer
list lives in a lower layer and must not import the dashboards. The chart's link carries
a signed token naming *what was selected* (``{"source": "dashboards", …}``), not a list
of ids; the list asks this registry to resolve it for the signed-in user, and the owner of
the source (registered in its ``AppConfig.ready()``) answers with the person ids. The
signature stops anyone from forging a token; the resolver still reads through the user's
permissions, so a shared link never shows more than its reader may see."""

from __future__ import annotations

from collections.abc import Callable

from django.core import signing

SALT = "daifuku.selection"
MAX_AGE = 60 * 60 * 24 * 30  # a drill-down link stays valid for a month

Resolver = Callable[[dict, object], tuple[list[int], str]]
_resolvers: dict[str, Resolver] = {}


def register(source: str, resolver: Resolver) -> None:
    """``resolver(payload, user)`` → ``(person ids, a label saying what was selected)``."""
    _resolvers[source] = resolver


def token(source: str, **payload) -> str:
    return signing.dumps({"source": source, **payload}, salt=SALT, compress=True)


def resolve(value: str, user) -> tuple[list[int], str] | None:
    """The person ids and label of a selection token, or None for a bad or expired one."""
    try:
        payload = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    resolver = _resolvers.get(payload.get("source", "")) if isinstance(payload, dict) else None
    if resolver is None:
        return None
    try:
        return resolver(payload, user)
    except (KeyError, TypeError, ValueError):
        return None
