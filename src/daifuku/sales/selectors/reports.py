"""Targets, forecast, attainment and funnel reads: aggregate SQL over indexed columns (and the
StageFlowDaily snapshot for the funnel) — never a Python loop over deals."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, ExpressionWrapper, F, IntegerField, QuerySet, Sum
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import VIEW, restrict

from ..maths import forecast as forecast_maths
from ..maths import funnel as funnel_maths
from ..maths.periods import Period, months_of
from ..models import Deal, LostReason, Pipeline, StageFlowDaily, StageKind, Target, TargetMetric
from .deals import deals_queryset, get_one, stages_of

TOKYO = zoneinfo.ZoneInfo(settings.TIME_ZONE)
WEIGHTED = ExpressionWrapper(F("amount") * F("probability"), output_field=IntegerField())


def targets_overlapping(user, period: Period, *, limit: int = 50) -> list[Target]:
    """The targets the user may see whose period overlaps ``period`` (the 予実 rows of
    the forecast page)."""
    qs = Target.objects.filter(starts_on__lte=period.end, ends_on__gte=period.start).select_related(
        "user", "team"
    )
    return list(restrict(qs, user, VIEW)[:limit])


def targets_queryset(user) -> QuerySet:
    """The targets the user may see, with their rep and team (the API pages through them)."""
    return restrict(Target.objects.select_related("user", "team"), user, VIEW)


def recent_targets(user, *, limit: int = 200) -> QuerySet:
    """The targets the user may see, latest period first."""
    return restrict(Target.objects.select_related("user", "team"), user, VIEW).order_by(
        "-starts_on", "id"
    )[:limit]


def get_target(user, pk, action: str = VIEW) -> Target:
    return get_one(restrict(Target.objects.all(), user, action), pk)


def _scoped(user, *, owner=None, team=None, pipeline=None) -> QuerySet:
    qs = deals_queryset(user)
    if owner:
        qs = qs.filter(owner_id=owner)
    if team:
        qs = qs.filter(team_id=team)
    if pipeline:
        qs = qs.filter(pipeline_id=pipeline)
    return qs


def forecast(
    user, period: Period, *, owner=None, team=None, pipeline=None
) -> forecast_maths.Totals:
    """Open deals expected to close within ``period``: unweighted, weighted (half-up to
    the yen on the exact sum) and per forecast category — one GROUP BY on the forecast
    index."""
    rows = (
        _scoped(user, owner=owner, team=team, pipeline=pipeline)
        .filter(status="open", expected_close__range=(period.start, period.end))
        .order_by()
        .values("forecast_category")
        .annotate(n=Count("id"), total=Sum("amount"), exact=Sum(WEIGHTED))
        .values_list("forecast_category", "n", "total", "exact")
    )
    return forecast_maths.totals_from_sums(rows)


def forecast_breakdown(user, period: Period, by: str, **filters) -> list[dict]:
    """The same totals per rep (``owner``), ``team`` or ``pipeline``."""
    column = {"owner": "owner_id", "team": "team_id", "pipeline": "pipeline_id"}[by]
    rows = (
        _scoped(user, **filters)
        .filter(status="open", expected_close__range=(period.start, period.end))
        .order_by()
        .values(column)
        .annotate(n=Count("id"), total=Sum("amount"), exact=Sum(WEIGHTED))
    )
    names = _names(by, [r[column] for r in rows])
    result = [
        {
            "key": r[column],
            "name": names.get(r[column], "—"),
            "deals": r["n"],
            "unweighted": r["total"] or 0,
            "weighted": forecast_maths.round_percent(r["exact"] or 0),
        }
        for r in rows
    ]
    return sorted(result, key=lambda r: -r["weighted"])


def _names(by: str, ids) -> dict:
    ids = [i for i in ids if i is not None]
    if by == "owner":
        from daifuku.accounts.models import User

        return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    if by == "team":
        from daifuku.accounts.models import Team

        return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    return dict(Pipeline.objects.filter(pk__in=ids).values_list("pk", "name"))


def forecast_by_month(user, period: Period, **filters) -> list[dict]:
    """Per calendar month of ``period``: won so far and the open pipeline (one query each)."""
    months = months_of(period)
    open_rows = (
        _scoped(user, **filters)
        .filter(status="open", expected_close__range=(period.start, period.end))
        .order_by()
        .values_list("expected_close", "amount", "probability")
    )
    won_rows = (
        _scoped(user, **filters)
        .filter(status="won", closed_at__range=_aware(period))
        .order_by()
        .values_list("closed_at", "amount")
    )
    table = {
        m.key: {"period": m.key, "won": 0, "unweighted": 0, "weighted_exact": 0} for m in months
    }
    # Only the period's own rows come back (a year of one team); grouping them by month here
    # keeps the SQL identical on SQLite and PostgreSQL.
    for close, amount, probability in open_rows.iterator(chunk_size=5000):
        row = table[f"{close.year:04d}-{close.month:02d}"]
        row["unweighted"] += amount
        row["weighted_exact"] += amount * probability
    for closed_at, amount in won_rows.iterator(chunk_size=5000):
        local = closed_at.astimezone(TOKYO)
        key = f"{local.year:04d}-{local.month:02d}"
        if key in table:
            table[key]["won"] += amount
    return [
        {**row, "weighted": forecast_maths.round_percent(row.pop("weighted_exact"))}  # type: ignore[arg-type]
        for row in table.values()
    ]


def _aware(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=TOKYO)
    end = dt.datetime.combine(period.end, dt.time.max, tzinfo=TOKYO)
    return start, end


def won_totals(user, period: Period, *, owner=None, team=None) -> dict[str, int]:
    """What was won in the period: revenue (yen), deals and new customers (customers whose
    first won deal falls in the period)."""
    won = _scoped(user, owner=owner, team=team).filter(
        status="won", closed_at__range=_aware(period)
    )
    totals = won.order_by().aggregate(revenue=Sum("amount"), deals=Count("id"))
    companies = set(won.exclude(company_id=None).values_list("company_id", flat=True))
    people = set(
        won.filter(company_id=None).exclude(person_id=None).values_list("person_id", flat=True)
    )
    start = _aware(period)[0]
    earlier = Deal.objects.filter(status="won", closed_at__lt=start)
    repeat_companies = (
        set(earlier.filter(company_id__in=companies).values_list("company_id", flat=True))
        if companies
        else set()
    )
    repeat_people = (
        set(earlier.filter(person_id__in=people).values_list("person_id", flat=True))
        if people
        else set()
    )
    return {
        TargetMetric.REVENUE: totals["revenue"] or 0,
        TargetMetric.DEALS_WON: totals["deals"] or 0,
        TargetMetric.NEW_CUSTOMERS: len(companies - repeat_companies) + len(people - repeat_people),
    }


def attainment_rows(user, targets: list[Target], today: dt.date) -> list[dict]:
    """Target vs actual vs forecast for each target (forecast = won + weighted open deals
    expected to close between today and the period end)."""
    rows = []
    for target in targets:
        period = Period(target.period, "", target.starts_on, target.ends_on)
        scope = {"owner": target.user_id} if target.user_id else {"team": target.team_id}
        actual = won_totals(user, period, **scope)[target.metric]
        remaining = Period(target.period, "", max(today, period.start), period.end)
        open_value = 0
        if remaining.start <= remaining.end:
            totals = forecast(user, remaining, **scope)
            if target.metric == TargetMetric.REVENUE:
                open_value = totals.weighted
            elif target.metric == TargetMetric.DEALS_WON:
                open_value = forecast_maths.round_percent(_probability_sum(user, remaining, scope))
        result = forecast_maths.attainment(
            target=target.value, actual=actual, open_weighted=open_value
        )
        rows.append(
            {
                "target": target,
                "result": result,
                "who": str(target.user) if target.user_id else str(target.team),
            }
        )
    return rows


def _probability_sum(user, period: Period, scope: dict) -> int:
    """Expected number of wins × 100 (Σ probability of the open deals)."""
    return (
        _scoped(user, **scope)
        .filter(status="open", expected_close__range=(period.start, period.end))
        .order_by()
        .aggregate(p=Sum("probability"))["p"]
        or 0
    )


def funnel(pipeline: Pipeline, period: Period) -> funnel_maths.Funnel:
    """Stage-to-stage conversion and days in stage over ``period`` from the StageFlowDaily
    snapshot (a few thousand rows whatever the number of stage changes)."""
    stages = stages_of(pipeline)
    flows = (
        StageFlowDaily.objects.filter(
            pipeline_id=pipeline.pk, day__range=(period.start, period.end)
        )
        .order_by()
        .values("from_stage_id", "to_stage_id")
        .annotate(moves=Sum("moves"), seconds=Sum("seconds_total"))
        .values_list("from_stage_id", "to_stage_id", "moves", "seconds")
    )
    return funnel_maths.compute(
        [(s.pk, s.name) for s in stages if s.kind == StageKind.OPEN],
        [s.pk for s in stages if s.kind == StageKind.WON],
        [s.pk for s in stages if s.kind == StageKind.LOST],
        flows,
    )


@dataclass(frozen=True)
class ReasonCount:
    id: int | None  # None: lost before reasons were asked for
    name: str
    count: int


def lost_reasons(pipeline: Pipeline, period: Period) -> list[ReasonCount]:
    """Why the pipeline's deals lost in ``period`` were lost: deals per lost reason, most
    frequent first (aggregate counts for the whole pipeline, like the funnel). One GROUP BY
    over the (status, closed_at) index."""
    rows = (
        Deal.objects.filter(pipeline_id=pipeline.pk, status="lost", closed_at__range=_aware(period))
        .order_by()
        .values("lost_reason_id")
        .annotate(n=Count("id"))
        .values_list("lost_reason_id", "n")
    )
    counts = dict(rows)
    names = dict(
        LostReason.objects.filter(pk__in=[k for k in counts if k]).values_list("pk", "name")
    )
    result = [
        ReasonCount(pk, names.get(pk, "") if pk else str(_("Not recorded")), n)
        for pk, n in counts.items()
    ]
    return sorted(result, key=lambda r: (-r.count, r.id is None, r.name))
