"""Slots on shared pages that other domains fill without the page knowing them.

``register("person.top", template, context)`` adds a panel to the top of the person page
(activities: last touches and open next actions); ``"dashboard"`` adds one to the home
page. ``context(request, obj)`` returns the template's context; it must use selectors and
stay within a couple of indexed queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: Callable[..., dict[str, Any]]
    order: int = 100


_panels: list[Panel] = []


def register(
    slot: str, template: str, context: Callable[..., dict[str, Any]], order: int = 100
) -> None:
    if not any(p.slot == slot and p.template == template for p in _panels):
        _panels.append(Panel(slot, template, context, order))


def render_context(slot: str, request, obj=None) -> list[dict[str, Any]]:
    """``[{"template": ..., **context}]`` for every panel of ``slot``, in order."""
    result = []
    for panel in sorted((p for p in _panels if p.slot == slot), key=lambda p: p.order):
        result.append({"template": panel.template, **panel.context(request, obj)})
    return result
