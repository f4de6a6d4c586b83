"""Drill-down: the customers behind a bar or cell, handed to the customer list through
``core.selections`` (the list is in a lower layer and cannot import this app)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from daifuku.core import selections

from . import registry

SOURCE = "dashboards"


def link(figure: registry.Figure, params: dict[str, int], cell) -> str:
    token = selections.token(SOURCE, f=figure.key, p=params, c=cell)
    return f"{reverse('customers:people')}?selection={token}"


def resolve(payload: dict, user) -> tuple[list[int], str]:
    figure = registry.get(payload["f"])
    if figure is None:
        raise KeyError(payload["f"])
    params = registry.parse_params(figure, payload.get("p") or {})
    ids = registry.drill(figure, user, params, payload.get("c"))
    return ids, _("%(figure)s: the customers of the selected bar or cell") % {
        "figure": figure.title
    }
