"""Deals, pipelines and their stages, saved views, quotes and the board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from daifuku.accounts.permissions import VIEW, restrict
from daifuku.commerce import selectors as commerce_selectors
from daifuku.core.pagination import capped_count, decode_cursor, encode_cursor, keyset_page
from daifuku.customers import selectors as customer_selectors

from ..models import (
    Deal,
    LostReason,
    Pipeline,
    Quote,
    SalesSettings,
    SavedView,
    Stage,
    StageChange,
    StageKind,
)

DEAL_SORTS = {
    "close": ["expected_close", "id"],
    "-amount": ["-amount", "-id"],
    "created": ["-created_at", "-id"],
}
BOARD_CARDS = 20


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def get_one(queryset: QuerySet, pk):
    """The row ``pk`` of an already scoped queryset; 404 when it is not there (out of
    scope, unknown or malformed)."""
    found = queryset.filter(pk=_int(pk)).first()
    if found is None:
        raise Http404
    return found


def deals_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Deal.objects.all(), user, action)


def get_deal(user, pk, action: str = VIEW) -> Deal:
    return get_one(
        deals_queryset(user, action).select_related(
            "company", "person", "owner", "team", "pipeline", "stage", "lost_reason"
        ),
        pk,
    )


def products_queryset(user, action: str = VIEW) -> QuerySet:
    """The catalog is commerce's (docs/adr/0008-product-catalog-in-commerce.md)."""
    return commerce_selectors.products_queryset(user, action)


def lost_reasons_queryset(user, action: str = VIEW) -> QuerySet:
    """The organisation's lost reasons (everyone reads them; managers change them)."""
    return restrict(LostReason.objects.all(), user, action).order_by("position", "id")


def active_lost_reasons(user) -> list[LostReason]:
    """The reasons a lost deal chooses from, in the organisation's order."""
    return list(lost_reasons_queryset(user).filter(is_active=True))


def sales_settings() -> SalesSettings:
    """The organisation's sales settings (fiscal year start, stall days); the defaults
    until a manager saves them."""
    return SalesSettings.current()


def pipelines(user) -> list[Pipeline]:
    """Active pipelines with their ordered stages (two queries)."""
    qs = restrict(Pipeline.objects.filter(is_active=True), user, VIEW)
    return list(
        qs.prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("position", "id")))
    )


def get_pipeline(user, pk, action: str = VIEW) -> Pipeline:
    return get_one(restrict(Pipeline.objects.all(), user, action), pk)


def stages_of(pipeline: Pipeline) -> list[Stage]:
    """The pipeline's stages in the order the manager arranged them: the board's columns,
    the funnel's steps, the deal page's stage bar."""
    return list(pipeline.stages.order_by("position", "id"))


def stage_in_pipeline(user, pipeline_id: int, pk) -> Stage | None:
    """The stage ``pk`` if it belongs to the pipeline (a deal only moves within its own
    pipeline); None for another pipeline's stage, an unknown or a malformed id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return restrict(Stage.objects.all(), user, VIEW).filter(pk=pk, pipeline_id=pipeline_id).first()


def get_stage(user, pk, action: str = VIEW) -> Stage:
    return get_one(restrict(Stage.objects.all(), user, action), pk)


def saved_views(user) -> QuerySet:
    """The user's own saved deal-list views, by name."""
    return restrict(SavedView.objects.all(), user, VIEW)


def get_saved_view(user, pk, action: str = VIEW) -> SavedView:
    """One of the user's saved views; anybody else's is a 404."""
    return get_one(restrict(SavedView.objects.all(), user, action), pk)


def get_quote(user, pk) -> Quote:
    """A quote of a deal the user may see, with its deal."""
    return get_one(restrict(Quote.objects.select_related("deal"), user, VIEW), pk)


def picked_customers(user, company_id: int | None, person_id: int | None) -> tuple:
    """``(company, person)`` already chosen in a deal form, shown by name next to the
    pickers; None for an empty choice or an id that is not (or no longer) there."""
    company = (
        customer_selectors.companies_queryset(user).filter(pk=company_id).first()
        if company_id
        else None
    )
    person = (
        customer_selectors.people_queryset(user).filter(pk=person_id).first() if person_id else None
    )
    return company, person


def people_to_pick(user, query: str, limit: int = 10) -> list:
    """People matching what was typed in a "who" picker (name, reading, e-mail or phone),
    only those the user may see: ``[SearchResult(type, id, display_name, kana)]``."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    return customer_selectors.search_customers(user, query, types=("person",), limit=limit)[0]


@dataclass
class DealFilters:
    q: str = ""
    pipeline: int | None = None
    stage: int | None = None
    owner: int | None = None
    team: int | None = None
    status: str = ""
    forecast_category: str = ""
    stalled: bool = False
    close_from: dt.date | None = None
    close_to: dt.date | None = None
    company: int | None = None
    person: int | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        simple = {
            "pipeline_id": self.pipeline,
            "stage_id": self.stage,
            "owner_id": self.owner,
            "team_id": self.team,
            "status": self.status,
            "forecast_category": self.forecast_category,
            "company_id": self.company,
            "person_id": self.person,
            "expected_close__gte": self.close_from,
            "expected_close__lte": self.close_to,
        }
        qs = qs.filter(**{k: v for k, v in simple.items() if v not in (None, "")})
        if self.stalled:
            qs = qs.filter(stalled_at__isnull=False)
        if self.q:
            qs = qs.filter(title__icontains=self.q)
        return qs


def list_deals(
    user,
    filters: DealFilters,
    *,
    sort: str = "close",
    cursor: str | None = None,
    size: int = 25,
    backwards: bool = False,
):
    qs = filters.apply(deals_queryset(user)).select_related(
        "company", "person", "owner", "stage", "pipeline"
    )
    ordering = DEAL_SORTS.get(sort, DEAL_SORTS["close"])
    return keyset_page(qs, ordering, cursor=cursor, size=size, backwards=backwards)


def count_deals(user, filters: DealFilters, cap: int = 1000) -> tuple[int, bool]:
    return capped_count(filters.apply(deals_queryset(user)), cap)


@dataclass
class Column:
    stage: Stage
    cards: list
    count: int
    amount: int
    weighted: int
    next_cursor: str | None


def _card_queryset(user, stage_id: int) -> QuerySet:
    return (
        deals_queryset(user)
        .filter(stage_id=stage_id)
        .select_related("company", "person", "owner")
        .only(
            "id",
            "title",
            "amount",
            "probability",
            "expected_close",
            "stage_id",
            "pipeline_id",
            "status",
            "stalled_at",
            "stalled_reason",
            "version",
            "forecast_category",
            "company__name",
            "company__legal_form",
            "company__legal_form_position",
            "person__family_name",
            "person__given_name",
            "owner__username",
            "owner__display_name",
            "owner__first_name",
            "owner__last_name",
        )
    )


def column_cards(
    user, stage: Stage, *, cursor: str | None = None, size: int = BOARD_CARDS
) -> tuple[list, str | None]:
    """One column's cards in expected-close order, continuing after ``cursor``."""
    values = decode_cursor(cursor, 2)
    qs = _card_queryset(user, stage.pk)
    if values is not None:
        close = dt.date.fromisoformat(values[0]) if values[0] else None
        if close is None:
            qs = qs.filter(expected_close__isnull=True, id__gt=values[1])
        else:
            qs = qs.filter(Q(expected_close__gt=close) | Q(expected_close=close, id__gt=values[1]))
    rows = _ordered(qs, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(
            [last.expected_close.isoformat() if last.expected_close else None, last.pk]
        )
    return rows, next_cursor


def _ordered(qs: QuerySet, limit: int) -> list:
    """By close date then id: the (stage, expected_close, id) index walks it in order, so a
    column of thousands of deals costs one short index range. (Services always set a close
    date; an undated imported deal sorts first on SQLite and last on PostgreSQL.)"""
    return list(qs.order_by("expected_close", "id")[:limit])


def board(user, pipeline: Pipeline, *, size: int = BOARD_CARDS) -> list[Column]:
    """The Kanban board: every stage with its first ``size`` cards and its totals. Totals
    for all columns come from one GROUP BY; each column's cards from one LIMIT query."""
    stages = stages_of(pipeline)
    totals = _column_totals(user, pipeline)
    columns = []
    for stage in stages:
        total = totals.get(stage.pk, {"count": 0, "amount": 0, "weighted": 0})
        if stage.kind == StageKind.OPEN:
            cards, next_cursor = column_cards(user, stage, size=size)
        else:
            cards, next_cursor = (
                [],
                None,
            )  # won/lost are drop targets; closed deals live in the list
        columns.append(
            Column(stage, cards, total["count"], total["amount"], total["weighted"], next_cursor)
        )
    return columns


def _column_totals(user, pipeline: Pipeline) -> dict[int, dict]:
    from django.db.models import ExpressionWrapper, F, IntegerField

    from ..maths.forecast import round_percent

    rows = (
        deals_queryset(user)
        .filter(pipeline=pipeline, status="open")
        .order_by()
        .values("stage_id")
        .annotate(
            n=Count("id"),
            total=Sum("amount"),
            exact=Sum(
                ExpressionWrapper(F("amount") * F("probability"), output_field=IntegerField())
            ),
        )
    )
    return {
        r["stage_id"]: {
            "count": r["n"],
            "amount": r["total"] or 0,
            "weighted": round_percent(r["exact"] or 0),
        }
        for r in rows
    }


def stage_history(deal: Deal) -> list[dict]:
    """Every stage change with who/when/from/to and the time spent in the stage left; the
    current stage's time so far is last."""
    changes = list(
        StageChange.objects.filter(deal=deal)
        .select_related("from_stage", "to_stage", "changed_by")
        .order_by("changed_at", "id")
    )
    return [
        {
            "at": c.changed_at,
            "by": c.changed_by,
            "from": c.from_stage,
            "to": c.to_stage,
            "days_in_from": None
            if c.seconds_in_from is None
            else round(c.seconds_in_from / 86400, 1),
        }
        for c in changes
    ]


def stalled_deals(user, *, size: int = 100) -> list[Deal]:
    return list(
        deals_queryset(user)
        .filter(stalled_at__isnull=False, status="open")
        .select_related("company", "person", "owner", "stage", "pipeline")
        .order_by("stalled_at", "id")[:size]
    )
