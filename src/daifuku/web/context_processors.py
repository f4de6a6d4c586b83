"""The navigation every page shows: one entry per area of the CRM (later issues fill them)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

AREAS = [
    ("home", _("Dashboard"), "web:home"),
    ("customers", _("Customers"), "customers:people"),
    ("companies", _("Companies"), "customers:companies"),
    ("activities", _("My day"), "activities:home"),
    ("sales", _("Sales"), "sales:home"),
    ("marketing", _("Marketing"), "web:area-marketing"),
    ("service", _("Service"), "web:area-service"),
    ("analytics", _("Analytics"), "web:area-analytics"),
    ("imports", _("Import / export"), "imports:home"),
    ("settings", _("Settings"), "web:settings"),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    items = []
    current = getattr(request, "resolver_match", None)
    namespace = current.namespace if current else ""
    for key, label, url_name in AREAS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (key != "home" and request.path.startswith(url.rstrip("/") + "/")) \
            or (namespace and url_name.startswith(namespace + ":") and key not in ("companies", "customers"))
        items.append({"key": key, "label": label, "url": url, "active": active})
    return {"nav_items": items}
