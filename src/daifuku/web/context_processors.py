"""The navigation every page shows: one entry per area of the CRM (later issues fill them)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# key, label, URL name, further URL names (or paths) whose pages belong to the area
AREAS = [
    ("home", _("Dashboard"), "web:home", ()),
    ("customers", _("Customers"), "customers:people", ()),
    ("companies", _("Companies"), "customers:companies", ()),
    ("activities", _("My day"), "activities:home", ()),
    ("sales", _("Sales"), "sales:home", ()),
    ("orders", _("Orders"), "commerce:orders", ()),
    ("marketing", _("Marketing"), "marketing:segments", ()),
    ("service", _("Service"), "web:area-service", ()),
    ("analytics", _("Analytics"), "dashboards:home", ("/analytics/",)),
    ("imports", _("Import / export"), "imports:home", ()),
    # the settings hub links to these pages; the user's own account lives there too
    (
        "settings",
        _("Settings"),
        "web:settings",
        (
            "/accounts/",
            "customers:tags",
            "customers:custom-fields",
            "commerce:channels",
            "commerce:webhooks",
            "behaviour:settings",
            "analytics:rank-rules",
            "/marketing/settings/",
        ),
    ),
]


def _url(name: str) -> str | None:
    if name.startswith("/"):
        return name
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def current_area(path: str, prefixes: list[tuple[str, str]]) -> str | None:
    """The one area a page belongs to: the entry whose URL (or one of its further URLs) is
    the longest prefix of ``path``. The dashboard's "/" is a prefix of every page, so it is
    current only where no other area claims the page."""
    best = None
    for prefix, key in prefixes:
        if path == prefix or (path.startswith(prefix) and prefix.endswith("/")):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, key)
    return best[1] if best else None


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    items, prefixes = [], []
    for key, label, url_name, further in AREAS:
        url = _url(url_name)
        if url is None:
            continue
        items.append({"key": key, "label": label, "url": url})
        prefixes += [(url, key)] + [(p, key) for p in map(_url, further) if p]
    current = current_area(request.path, prefixes)
    for item in items:
        item["active"] = item["key"] == current
    return {"nav_items": items}
