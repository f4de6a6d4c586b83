"""The figure registry of the analytics area (分析).

A figure is a question the business asks of its data (「月別の売上」「コホート別の継続率」):
``compute(ctx)`` answers it with rows (the CSV) and a chart spec (the picture), and
``drill(ctx, cell)`` names the customers behind one bar or cell, so every chart leads to
the customer list. Registering one is a few lines in an ``AppConfig.ready()`` of an app of
the top layer (docs/dashboards.md)::

    from daifuku.dashboards.registry import Figure, register
    register(Figure("ranks", _("Rank distribution"), section="customers", compute=rank_figure))

``ctx`` carries ``user`` (every read goes through that user's permissions), ``params``
(the figure's own parameters, parsed from the query string within their bounds) and
``rows`` (the user's orders and returns as plain rows, read once per request)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

SECTIONS = {
    "sales": _("Revenue"),
    "customers": _("Customers"),
    "products": _("Products"),
    "kpis": _("KPIs"),
}


@dataclass(frozen=True)
class Param:
    """An integer parameter of a figure (e.g. months shown, days to the second purchase)."""

    name: str
    label: object
    default: int
    minimum: int
    maximum: int


@dataclass
class Chart:
    """What to draw. ``kind``: "columns" (over time), "bars" (a ranking, optional
    ``targets``), "heatmap" (``matrix`` rows × ``columns``, values 0–1). ``cells`` hold a
    drill-down key per bar (or per matrix cell) or None; ``texts`` what is written on it."""

    kind: str
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    cells: list[Any] = field(default_factory=list)
    targets: list[float | None] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    matrix: list[list[float | None]] = field(default_factory=list)
    matrix_cells: list[list[Any]] = field(default_factory=list)
    # what a heatmap cell says instead of its share in % (e.g. a count of customers)
    matrix_texts: list[list[str]] = field(default_factory=list)
    row_notes: list[str] = field(default_factory=list)
    axis_title: str = ""
    note: str = ""


@dataclass
class Result:
    """``columns``: ``[(key, header)]`` of the CSV and the table; ``rows``: dicts by key."""

    columns: list[tuple[str, object]]
    rows: list[dict[str, Any]]
    chart: Chart | None
    summary: str = ""


@dataclass
class Context:
    user: Any
    params: dict[str, int]
    # shared by the figures of one page: the orders are read once
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self):
        if "rows" not in self.cache:
            from daifuku.commerce.selectors.facts import purchase_rows

            self.cache["rows"] = purchase_rows(self.user)
        return self.cache["rows"]


@dataclass(frozen=True)
class Figure:
    key: str
    title: object
    section: str
    compute: Callable[[Context], Result]
    description: object = ""
    params: tuple[Param, ...] = ()
    drill: Callable[[Context, Any], list[int]] | None = None
    order: int = 100
    # who sees it: None = everyone signed in; else a predicate on the user
    visible: Callable[[Any], bool] | None = None


_figures: dict[str, Figure] = {}


def register(figure: Figure) -> None:
    _figures[figure.key] = figure


def unregister(key: str) -> None:
    _figures.pop(key, None)


def get(key: str) -> Figure | None:
    return _figures.get(key)


def figures(user=None) -> list[Figure]:
    """Every figure ``user`` may see, by section then order."""
    order = list(SECTIONS)
    found = [f for f in _figures.values() if user is None or f.visible is None or f.visible(user)]
    return sorted(
        found,
        key=lambda f: (order.index(f.section) if f.section in order else len(order), f.order),
    )


def parse_params(figure: Figure, query) -> dict[str, int]:
    """The figure's parameters from a query string: missing or bad → default, clamped."""
    values = {}
    for p in figure.params:
        try:
            value = int(query.get(p.name, p.default))
        except (TypeError, ValueError):
            value = p.default
        values[p.name] = min(p.maximum, max(p.minimum, value))
    return values


def run(figure: Figure, user, params: dict[str, int], cache: dict | None = None) -> Result:
    return figure.compute(Context(user, params, {} if cache is None else cache))


def drill(figure: Figure, user, params: dict[str, int], cell) -> list[int]:
    if figure.drill is None:
        return []
    return figure.drill(Context(user, params), cell)
