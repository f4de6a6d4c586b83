"""``/api/v1/`` endpoints of sales: thin adapters over selectors and services."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.permissions import CHANGE, DELETE, can
from daifuku.core.conditional import if_match_version
from daifuku.core.errors import ValidationFailed
from daifuku.core.pagination import keyset_page

from . import selectors, services
from .maths.periods import PeriodError, parse_period
from .models import Pipeline, Product, Quote, SalesSettings
from .schemas import (
    DealContactIn,
    DealDetailOut,
    DealIn,
    DealOut,
    DealPatch,
    LineIn,
    LineOut,
    LinePatch,
    LostReasonList,
    MoveIn,
    PipelineIn,
    PipelineOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    QuoteIn,
    QuoteOut,
    StageChangeOut,
    StageIn,
    StageOut,
    StagePatch,
    TargetIn,
    TargetOut,
)
from .serializers import (
    deal_detail_dict,
    deal_dict,
    line_dict,
    pipeline_dict,
    product_dict,
    quote_dict,
    target_dict,
)

router = Router(tags=["sales"])


def _limit(limit: int) -> int:
    if limit < 1 or limit > 200:
        raise ValidationFailed({"limit": ["Use a limit between 1 and 200."]}, code="invalid_limit")
    return limit


def _period(key: str):
    try:
        return parse_period(key, SalesSettings.current().fiscal_year_start_month)
    except PeriodError:
        raise ValidationFailed(
            {"period": ["Use YYYY-MM, YYYY-Q1…Q4 (fiscal quarter) or FYYYYY."]},
            code="invalid_period",
        ) from None


def _user_id(username: str | None) -> int | None:
    if not username:
        return None
    found = account_selectors.user_id_of(username)
    if found is None:
        raise ValidationFailed({"owner": ["Unknown user."]})
    return found


class Page(Schema):
    next_cursor: str | None = None


class PipelinePage(Page):
    items: list[PipelineOut]


class ProductPage(Page):
    items: list[ProductOut]


class DealPage(Page):
    items: list[DealOut]


class TargetPage(Page):
    items: list[TargetOut]


# --- pipelines and stages ------------------------------------------------------------------


@router.get("/pipelines", response=PipelinePage, summary="Pipelines with their ordered stages")
def list_pipelines(request):
    return {
        "items": [pipeline_dict(p) for p in selectors.pipelines(request.auth)],
        "next_cursor": None,
    }


@router.get(
    "/lost-reasons",
    response=LostReasonList,
    summary="The reasons a lost deal chooses from (lost_reason_id of a move)",
)
def list_lost_reasons(request):
    return {
        "items": [
            {"id": r.pk, "name": r.name, "position": r.position, "is_active": r.is_active}
            for r in selectors.lost_reasons_queryset(request.auth)
        ]
    }


@router.post("/pipelines", response={201: PipelineOut}, summary="Create a pipeline (managers)")
def create_pipeline(request, payload: PipelineIn):
    stages = [s.model_dump() for s in payload.stages] if payload.stages is not None else None
    pipeline = services.create_pipeline(actor=request.auth, name=payload.name, stages=stages)
    return Status(201, pipeline_dict(pipeline))


@router.get("/pipelines/{pipeline_id}", response=PipelineOut)
def get_pipeline(request, pipeline_id: int):
    return pipeline_dict(selectors.get_pipeline(request.auth, pipeline_id))


@router.post(
    "/pipelines/{pipeline_id}/stages", response={201: StageOut}, summary="Add a stage (managers)"
)
def create_stage(request, pipeline_id: int, payload: StageIn):
    pipeline = selectors.get_pipeline(request.auth, pipeline_id)
    return Status(
        201, services.create_stage(actor=request.auth, pipeline=pipeline, data=payload.model_dump())
    )


@router.patch(
    "/stages/{stage_id}",
    response=StageOut,
    summary="Rename, reorder or re-weight a stage (managers)",
)
def update_stage(request, stage_id: int, payload: StagePatch):
    stage = selectors.get_stage(request.auth, stage_id)
    return services.update_stage(
        actor=request.auth, stage=stage, data=payload.model_dump(exclude_unset=True)
    )


# --- products ----------------------------------------------------------------------------------


@router.get("/products", response=ProductPage, summary="Price list")
def list_products(request, active: bool | None = None, cursor: str | None = None, limit: int = 50):
    qs = selectors.products_queryset(request.auth)
    if active is not None:
        qs = qs.filter(is_active=active)
    page = keyset_page(qs, ["code", "id"], cursor=cursor, size=_limit(limit))
    return {"items": [product_dict(p) for p in page.items], "next_cursor": page.next_cursor}


@router.post("/products", response={201: ProductOut}, summary="Add a product (managers)")
def create_product(request, payload: ProductIn):
    return Status(
        201, product_dict(services.create_product(actor=request.auth, data=payload.model_dump()))
    )


@router.patch("/products/{product_id}", response=ProductOut, summary="Change a product (managers)")
def update_product(request, product_id: int, payload: ProductPatch):
    product = selectors.products_queryset(request.auth).filter(pk=product_id).first()
    if product is None:
        raise Http404
    return product_dict(
        services.update_product(
            actor=request.auth, product=product, data=payload.model_dump(exclude_unset=True)
        )
    )


# --- deals ---------------------------------------------------------------------------------------


class DealQuery(Schema):
    search: str = ""
    pipeline_id: int | None = None
    stage_id: int | None = None
    owner: str = ""
    team_id: int | None = None
    status: str = ""
    forecast_category: str = ""
    stalled: bool = False
    company_id: int | None = None
    person_id: int | None = None
    sort: str = "created"
    cursor: str | None = None
    limit: int = 25


@router.get("/deals", response=DealPage, summary="List deals (cursor pagination)")
def list_deals(request, params: Query[DealQuery]):
    if params.sort not in selectors.deals.DEAL_SORTS:
        raise ValidationFailed({"sort": [f"Use one of: {', '.join(selectors.deals.DEAL_SORTS)}."]})
    if params.status and params.status not in ("open", "won", "lost"):
        raise ValidationFailed({"status": ["Use open, won or lost."]})
    owner = (
        request.auth.pk
        if params.owner == "me"
        else (_user_id(params.owner) if params.owner else None)
    )
    filters = selectors.DealFilters(
        q=params.search.strip()[:100],
        pipeline=params.pipeline_id,
        stage=params.stage_id,
        owner=owner,
        team=params.team_id,
        status=params.status,
        forecast_category=params.forecast_category,
        stalled=params.stalled,
        company=params.company_id,
        person=params.person_id,
    )
    page = selectors.list_deals(
        request.auth, filters, sort=params.sort, cursor=params.cursor, size=_limit(params.limit)
    )
    return {"items": [deal_dict(d) for d in page.items], "next_cursor": page.next_cursor}


@router.post("/deals", response={201: DealDetailOut}, summary="Open a deal")
def create_deal(request, payload: DealIn):
    data = payload.model_dump(exclude_unset=True)
    data["expected_close"] = payload.expected_close
    if "owner" in data:
        data["owner"] = data["owner"] or None
    deal = services.create_deal(actor=request.auth, data=data)
    return Status(201, deal_detail_dict(selectors.get_deal(request.auth, deal.pk)))


@router.get("/deals/{deal_id}", response=DealDetailOut)
def get_deal(request, deal_id: int, response: HttpResponse):
    deal = selectors.get_deal(request.auth, deal_id)
    response["ETag"] = f'"{deal.version}"'
    return deal_detail_dict(deal)


@router.patch(
    "/deals/{deal_id}", response=DealDetailOut, summary="Change a deal (If-Match supported)"
)
def update_deal(request, deal_id: int, payload: DealPatch, response: HttpResponse):
    deal = selectors.get_deal(request.auth, deal_id, CHANGE)
    expected = if_match_version(request, deal.version)  # 412 when it names another version
    deal = services.update_deal(
        actor=request.auth,
        deal=deal,
        data=payload.model_dump(exclude_unset=True),
        expected_version=expected,
    )
    deal = selectors.get_deal(request.auth, deal.pk)
    response["ETag"] = f'"{deal.version}"'
    return deal_detail_dict(deal)


@router.post(
    "/deals/{deal_id}/move", response=DealOut, summary="Move a deal to a stage (records the change)"
)
def move_deal(request, deal_id: int, payload: MoveIn):
    deal = selectors.get_deal(request.auth, deal_id, CHANGE)
    deal = services.move_deal_to_stage(
        actor=request.auth,
        deal=deal,
        stage=payload.stage_id,
        reason=payload.reason,
        lost_reason=payload.lost_reason_id,
        expected_version=if_match_version(request, deal.version),
    )
    return deal_dict(selectors.get_deal(request.auth, deal.pk))


@router.get(
    "/deals/{deal_id}/stage-changes", response=list[StageChangeOut], summary="Stage history"
)
def stage_changes(request, deal_id: int):
    deal = selectors.get_deal(request.auth, deal_id)
    return [
        {
            "id": c.pk,
            "from_stage_id": c.from_stage_id,
            "to_stage_id": c.to_stage_id,
            "changed_at": c.changed_at,
            "changed_by": c.changed_by.username if c.changed_by else None,
            "days_in_from": None
            if c.seconds_in_from is None
            else round(c.seconds_in_from / 86400, 2),
        }
        for c in deal.stage_changes.select_related("changed_by").order_by("changed_at", "id")[:500]
    ]


@router.post("/deals/{deal_id}/lines", response={201: LineOut}, summary="Add a line item")
def add_line(request, deal_id: int, payload: LineIn):
    deal = selectors.get_deal(request.auth, deal_id, CHANGE)
    data = {k: v for k, v in payload.model_dump().items() if v is not None}
    return Status(201, line_dict(services.add_line_item(actor=request.auth, deal=deal, data=data)))


@router.patch("/deals/{deal_id}/lines/{line_id}", response=LineOut)
def update_line(request, deal_id: int, line_id: int, payload: LinePatch):
    deal = selectors.get_deal(request.auth, deal_id, CHANGE)
    return line_dict(
        services.update_line_item(
            actor=request.auth, deal=deal, line=line_id, data=payload.model_dump(exclude_unset=True)
        )
    )


@router.delete("/deals/{deal_id}/lines/{line_id}", response={204: None})
def remove_line(request, deal_id: int, line_id: int):
    deal = selectors.get_deal(request.auth, deal_id, CHANGE)
    services.remove_line_item(actor=request.auth, deal=deal, line=line_id)
    return Status(204, None)


@router.post(
    "/deals/{deal_id}/contacts", response={201: dict}, summary="Note a person involved in the deal"
)
def add_contact(request, deal_id: int, payload: DealContactIn):
    deal = selectors.get_deal(request.auth, deal_id, CHANGE)
    contact = services.add_deal_contact(
        actor=request.auth, deal=deal, person=payload.person_id, role=payload.role
    )
    return Status(201, {"id": contact.pk, "person_id": contact.person_id, "role": contact.role})


@router.delete("/deals/{deal_id}/contacts/{contact_id}", response={204: None})
def remove_contact(request, deal_id: int, contact_id: int):
    deal = selectors.get_deal(request.auth, deal_id, CHANGE)
    services.remove_deal_contact(actor=request.auth, deal=deal, contact=contact_id)
    return Status(204, None)


# --- quotes --------------------------------------------------------------------------------------


@router.post(
    "/deals/{deal_id}/quotes",
    response={201: QuoteOut},
    summary="Issue a numbered quote from the line items",
)
def issue_quote(request, deal_id: int, payload: QuoteIn):
    deal = selectors.get_deal(request.auth, deal_id, CHANGE)
    return Status(
        201, quote_dict(services.issue_quote(actor=request.auth, deal=deal, notes=payload.notes))
    )


def _quote(request, quote_id: int) -> Quote:
    return selectors.get_quote(request.auth, quote_id)


@router.get("/quotes/{quote_id}", response=QuoteOut)
def get_quote(request, quote_id: int):
    return quote_dict(_quote(request, quote_id))


@router.get("/quotes/{quote_id}/pdf", summary="The stored quote PDF")
def quote_pdf(request, quote_id: int):
    quote = _quote(request, quote_id)
    if not quote.pdf:
        raise Http404
    return FileResponse(
        quote.pdf.open("rb"), content_type="application/pdf", filename=f"{quote.number}.pdf"
    )


# --- targets, forecast, funnel -----------------------------------------------------------------------


@router.get("/targets", response=TargetPage, summary="Targets with attainment")
def list_targets(request, period: str = "", cursor: str | None = None, limit: int = 50):
    qs = selectors.targets_queryset(request.auth)
    if period:
        chosen = _period(period)
        qs = qs.filter(starts_on__lte=chosen.end, ends_on__gte=chosen.start)
    page = keyset_page(qs, ["starts_on", "id"], cursor=cursor, size=_limit(limit))
    rows = selectors.attainment_rows(request.auth, page.items, timezone.localdate())
    return {
        "items": [target_dict(r["target"], r["result"]) for r in rows],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/targets", response={201: TargetOut}, summary="Set a target for a rep or a team (managers)"
)
def set_target(request, payload: TargetIn):
    user = None
    if payload.user:
        user = account_selectors.find_username(payload.user)
        if user is None:
            raise ValidationFailed({"user": ["Unknown user."]})
    team = None
    if payload.team_id is not None:
        team = account_selectors.find_team(payload.team_id)
        if team is None:
            raise ValidationFailed({"team_id": ["Unknown team."]})
    target = services.set_target(
        actor=request.auth,
        metric=payload.metric,
        period=payload.period,
        value=payload.value,
        user=user,
        team=team,
    )
    return Status(201, target_dict(target))


@router.delete("/targets/{target_id}", response={204: None})
def delete_target(request, target_id: int):
    target = selectors.get_target(request.auth, target_id)
    if not can(request.auth, DELETE, target):
        from daifuku.core.errors import PermissionDenied

        raise PermissionDenied()
    services.delete_target(actor=request.auth, target=target)
    return Status(204, None)


class ForecastQuery(Schema):
    period: str
    owner: str = ""
    team_id: int | None = None
    pipeline_id: int | None = None
    by: str = ""


@router.get("/forecast", summary="Weighted and unweighted totals of open deals closing in a period")
def forecast(request, params: Query[ForecastQuery]):
    """``period``: ``2026-05`` (month), ``2026-Q1`` (fiscal quarter) or ``FY2026``.
    ``weighted`` = Σ amount × probability / 100, summed exactly and rounded half up to the
    yen once; ``by`` = owner | team | pipeline adds a breakdown."""
    chosen = _period(params.period)
    owner = request.auth.pk if params.owner == "me" else _user_id(params.owner)
    filters = {"owner": owner, "team": params.team_id, "pipeline": params.pipeline_id}
    totals = selectors.forecast(request.auth, chosen, **filters)
    won = selectors.won_totals(request.auth, chosen, owner=owner, team=params.team_id)
    body = {
        "period": chosen.key,
        "starts_on": chosen.start,
        "ends_on": chosen.end,
        "weighted": totals.weighted,
        "unweighted": totals.unweighted,
        "deals": totals.deals,
        "by_category": totals.by_category,
        "won": won["revenue"],
        "won_deals": won["deals_won"],
        "rounding": "half_up",
    }
    if params.by:
        if params.by not in ("owner", "team", "pipeline"):
            raise ValidationFailed({"by": ["Use owner, team or pipeline."]})
        body["breakdown"] = selectors.forecast_breakdown(request.auth, chosen, params.by, **filters)
    return body


@router.get("/funnel", summary="Stage-to-stage conversion, days in stage and the bottleneck")
def funnel(request, pipeline_id: int, period: str):
    pipeline = selectors.get_pipeline(request.auth, pipeline_id)
    chosen = _period(period)
    result = selectors.funnel(pipeline, chosen)
    return {
        "pipeline_id": pipeline.pk,
        "period": chosen.key,
        "stages": [
            {
                "stage_id": r.stage_id,
                "name": r.name,
                "entered": r.entered,
                "exited": r.exited,
                "advanced": r.advanced,
                "conversion_percent": r.conversion_percent,
                "average_days": r.average_days,
            }
            for r in result.rows
        ],
        "won": result.won,
        "lost": result.lost,
        "win_rate_percent": result.win_rate_percent,
        "lost_reasons": [
            {"id": r.id, "name": r.name, "count": r.count}
            for r in selectors.lost_reasons(pipeline, chosen)
        ],
        "bottleneck": {
            "worst_drop_stage_id": result.worst_drop_stage_id,
            "longest_wait_stage_id": result.longest_wait_stage_id,
        },
    }


__all__ = ["Pipeline", "Product", "reverse", "router"]
