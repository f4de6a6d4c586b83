"""Forecast and funnel over many deals (issue 5).

Data: ``people_for(scale)`` deals (200 / 20,000 / 1,000,000) in two pipelines over three
fiscal years, each with its full stage history (≈5 stage changes per deal: 5,000,000 at
full scale) and the StageFlowDaily snapshot the move service maintains, bulk-inserted once
per scale and database and reused.

Measured, each against a naive ORM loop in the same run:

* forecast of a month and of a fiscal year (``selectors.forecast``: one GROUP BY on the
  covering forecast index) vs. looping over the open Deal objects of the period in Python;
* funnel of a fiscal year (``selectors.funnel``: the snapshot) vs. looping over the
  StageChange objects of the period in Python. The same funnel as one aggregate SQL over
  the raw stage changes is reported too, to show what the snapshot buys.

Goal: forecast and funnel under 1 s each at 1,000,000 deals / 5,000,000 stage changes.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo

from django.db import connection, transaction
from django.db.models import Count, Sum

from . import common
from .common import Result, summary, time_ms

GOAL_MS = 1000
SEED = 5
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
FIRST_DAY = dt.date(2024, 4, 1)  # three fiscal years: FY2024 … FY2026
DAYS = 3 * 365
PIPELINES = {
    "bench-新規": [("見込み", 10), ("提案", 30), ("見積", 60), ("交渉", 80)],
    "bench-更新": [("更新案内", 50), ("条件調整", 70), ("稟議", 90), ("最終確認", 95)],
}
REPS = 40


def deals_for(scale: str) -> int:
    return common.people_for(scale)


def bench_users(count: int = REPS):
    """Reps in four teams and one manager (who sees every deal, as a forecast reader does)."""
    from daifuku.accounts.models import Team, User
    from daifuku.accounts.services import create_team, create_user

    teams = []
    for index in range(4):
        name = f"bench-sales-{index}"
        teams.append(
            Team.objects.filter(name=name).first() or create_team(actor="bench", name=name)
        )
    reps = []
    for index in range(count):
        username = f"bench-sales-rep-{index}"
        user = User.objects.filter(username=username).first() or create_user(
            actor="bench", username=username, role="rep", team=teams[index % len(teams)]
        )
        reps.append(user)
    manager = User.objects.filter(username="bench-sales-manager").first() or create_user(
        actor="bench", username="bench-sales-manager", role="manager", team=teams[0]
    )
    return reps, manager


def ensure_pipeline(name: str, stages: list[tuple[str, int]]):
    from daifuku.sales.models import Pipeline
    from daifuku.sales.services import create_pipeline

    existing = Pipeline.objects.filter(name=name).first()
    if existing:
        return existing
    return create_pipeline(
        actor="bench",
        name=name,
        stages=[
            *({"name": n, "probability": p} for n, p in stages),
            {"name": "受注", "kind": "won"},
            {"name": "失注", "kind": "lost"},
        ],
    )


class DealWriter:
    """Produces database-ready rows for bulk inserts (the same values the services write)."""

    def __init__(self):
        from daifuku.sales.models import Deal, StageChange

        self.ops = connection.ops
        self.deal_columns = [f.column for f in Deal._meta.concrete_fields]
        self.change_columns = [
            f.column for f in StageChange._meta.concrete_fields if f.column != "id"
        ]

    def when(self, value: dt.datetime):
        return self.ops.adapt_datetimefield_value(value)

    def day(self, value: dt.date):
        return self.ops.adapt_datefield_value(value)


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(9 + rng.randrange(9), rng.randrange(60)), tzinfo=TOKYO)
    return local.astimezone(dt.UTC)


def generate_deals(
    *,
    pipeline,
    stages,
    count: int,
    owners,
    first_id: int,
    rng: random.Random,
    flows: dict,
    writer: DealWriter,
    open_only: bool = False,
    spread_days: int = DAYS,
):
    """Yield ``(deal_row, change_rows)`` for ``count`` deals of ``pipeline`` with ids from
    ``first_id``. ``flows`` accumulates the StageFlowDaily snapshot of the changes."""
    open_stages = [s for s in stages if s.kind == "open"]
    won = next(s for s in stages if s.kind == "won")
    lost = next(s for s in stages if s.kind == "lost")
    from daifuku.sales.models import LostReason

    lost_reasons = list(
        LostReason.objects.order_by("position", "id").values_list("pk", flat=True)
    ) or [None]
    now = dt.datetime.now(dt.UTC)
    for offset in range(count):
        deal_id = first_id + offset
        owner = owners[rng.randrange(len(owners))]
        created_day = FIRST_DAY + dt.timedelta(days=rng.randrange(spread_days))
        at = _moment(rng, created_day)
        path = [(None, open_stages[0], at)]
        closing = None if open_only else rng.random()
        target = (
            rng.randrange(len(open_stages))
            if (closing is None or closing < 0.3)
            else len(open_stages) - 1
        )
        current = 0
        while current < target:
            at = at + dt.timedelta(days=rng.randint(2, 30), hours=rng.randrange(8))
            if rng.random() < 0.35 and current > 0:  # a step back and forward again
                path.append((open_stages[current], open_stages[current - 1], at))
                at = at + dt.timedelta(days=rng.randint(1, 10))
                path.append((open_stages[current - 1], open_stages[current], at))
            path.append((open_stages[current], open_stages[current + 1], at))
            current += 1
        final = open_stages[current]
        status = "open"
        if closing is not None and closing >= 0.3:
            final = won if closing < 0.75 else lost
            status = final.kind
            at = at + dt.timedelta(days=rng.randint(3, 40))
            path.append((open_stages[current], final, at))
        if at > now:  # history never runs into the future
            shift = at - now + dt.timedelta(days=1)
            path = [(a, b, t - shift) for a, b, t in path]
            at = path[-1][2]
        amount = rng.randrange(10, 2000) * 10_000
        probability = final.probability if status == "open" else (100 if status == "won" else 0)
        expected = (
            (at + dt.timedelta(days=rng.randint(15, 240))).astimezone(TOKYO).date()
            if status == "open"
            else at.astimezone(TOKYO).date()
        )
        category = (
            ("pipeline", "best_case", "commit")[rng.randrange(3)] if status == "open" else "closed"
        )
        created_at = path[0][2]
        lost_reason = lost_reasons[deal_id % len(lost_reasons)] if status == "lost" else None
        values = {
            "id": deal_id,
            "title": f"ベンチ案件 {deal_id}",
            "company_id": None,
            "person_id": None,
            "owner_id": owner.pk,
            "team_id": owner.team_id,
            "pipeline_id": pipeline.pk,
            "stage_id": final.pk,
            "status": status,
            "amount": amount,
            "amount_from_lines": False,
            "expected_close": writer.day(expected),
            "probability": probability,
            "probability_overridden": False,
            "forecast_category": category,
            "source": "",
            "competitors": "[]",
            "description": "",
            "closed_at": writer.when(at) if status != "open" else None,
            "close_reason": "",
            "lost_reason_id": lost_reason,
            "stage_entered_at": writer.when(at),
            "last_touch_at": writer.when(at),
            "stalled_at": None,
            "stalled_reason": "",
            "version": len(path),
            "created_at": writer.when(created_at),
            "updated_at": writer.when(at),
        }
        changes = []
        previous_at = None
        for from_stage, to_stage, when in path:
            seconds = None if previous_at is None else int((when - previous_at).total_seconds())
            previous_at = when
            changes.append(
                {
                    "deal_id": deal_id,
                    "pipeline_id": pipeline.pk,
                    "from_stage_id": from_stage.pk if from_stage else None,
                    "to_stage_id": to_stage.pk,
                    "changed_at": writer.when(when),
                    "changed_by_id": owner.pk,
                    "seconds_in_from": seconds,
                    "reason": "",
                    "lost_reason_id": lost_reason if to_stage.kind == "lost" else None,
                }
            )
            key = (
                when.astimezone(TOKYO).date(),
                pipeline.pk,
                from_stage.pk if from_stage else 0,
                to_stage.pk,
            )
            flow = flows.setdefault(key, [0, 0])
            flow[0] += 1
            flow[1] += seconds or 0
        yield (
            [values[c] for c in writer.deal_columns],
            [[c[col] for col in writer.change_columns] for c in changes],
        )


def insert_deals(generator, flows: dict, writer: DealWriter) -> tuple[int, int]:
    """Bulk-insert deals and their stage changes, then merge ``flows`` into the snapshot."""
    from daifuku.core import db
    from daifuku.sales.models import StageFlowDaily

    pending_changes: list = []
    counts = [0, 0]

    def deal_rows():
        for deal_row, change_rows in generator:
            counts[0] += 1
            pending_changes.extend(change_rows)
            yield deal_row

    with transaction.atomic():
        batch: list = []
        for row in deal_rows():
            batch.append(row)
            if len(batch) >= 50_000:
                db.bulk_insert("sales_deal", writer.deal_columns, batch)
                db.bulk_insert("sales_stagechange", writer.change_columns, pending_changes)
                counts[1] += len(pending_changes)
                batch.clear()
                pending_changes.clear()
        if batch:
            db.bulk_insert("sales_deal", writer.deal_columns, batch)
            db.bulk_insert("sales_stagechange", writer.change_columns, pending_changes)
            counts[1] += len(pending_changes)
        existing = {
            (r.day, r.pipeline_id, r.from_stage_id, r.to_stage_id): r
            for r in StageFlowDaily.objects.filter(pipeline_id__in={k[1] for k in flows})
        }
        fresh = []
        for key, (moves, seconds) in flows.items():
            if key in existing:
                StageFlowDaily.objects.filter(pk=existing[key].pk).update(
                    moves=existing[key].moves + moves,
                    seconds_total=existing[key].seconds_total + seconds,
                )
            else:
                fresh.append(
                    StageFlowDaily(
                        day=key[0],
                        pipeline_id=key[1],
                        from_stage_id=key[2],
                        to_stage_id=key[3],
                        moves=moves,
                        seconds_total=seconds,
                    )
                )
        StageFlowDaily.objects.bulk_create(fresh, batch_size=5000)
    _sync_sequence("sales_deal")
    _sync_sequence("sales_stagechange")
    vacuum(["sales_deal", "sales_stagechange", "sales_stageflowdaily"])
    return counts[0], counts[1]


def vacuum(tables: list[str]) -> None:
    """PostgreSQL: set the visibility map after a bulk load so index-only scans need no heap
    visits (autovacuum would do the same a little later in production)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {table}")


def _sync_sequence(table: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def next_deal_id() -> int:
    from daifuku.sales.models import Deal

    return (Deal.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def ensure_data(scale: str) -> dict:
    from daifuku.core import db
    from daifuku.sales.models import Deal, StageChange

    reps, manager = bench_users()
    pipelines = [ensure_pipeline(name, stages) for name, stages in PIPELINES.items()]
    target = deals_for(scale)
    have = Deal.objects.filter(pipeline__in=pipelines).count()
    seconds = None
    if have < target:
        rng = random.Random(SEED + have)
        writer = DealWriter()
        flows: dict = {}
        started = time.perf_counter()
        missing = target - have
        first = next_deal_id()

        def all_deals():
            produced = 0
            for index, pipeline in enumerate(pipelines):
                share = missing - produced if index == len(pipelines) - 1 else int(missing * 0.7)
                stages = list(pipeline.stages.order_by("position", "id"))
                yield from generate_deals(
                    pipeline=pipeline,
                    stages=stages,
                    count=share,
                    owners=reps,
                    first_id=first + produced,
                    rng=rng,
                    flows=flows,
                    writer=writer,
                )
                produced += share

        insert_deals(all_deals(), flows, writer)
        db.analyze(["sales_deal", "sales_stagechange", "sales_stageflowdaily"])
        seconds = round(time.perf_counter() - started, 1)
    changes = StageChange.objects.filter(pipeline__in=pipelines).count()
    return {
        "pipelines": pipelines,
        "manager": manager,
        "reps": reps,
        "deals": target,
        "changes": changes,
        "generated_seconds": seconds,
    }


# --- naive baselines -------------------------------------------------------------------------


def naive_forecast(period) -> tuple[int, int]:
    """A first version: load the period's open deals and add them up in Python."""
    from daifuku.sales.models import Deal

    unweighted = exact = 0
    for deal in Deal.objects.filter(
        status="open", expected_close__range=(period.start, period.end)
    ).iterator(chunk_size=2000):
        unweighted += deal.amount
        exact += deal.amount * deal.probability
    return unweighted, (exact + 50) // 100


def naive_funnel(pipeline, period) -> dict:
    """A first version: walk every stage change of the period as ORM objects."""
    from daifuku.sales.models import StageChange

    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=TOKYO)
    end = dt.datetime.combine(period.end, dt.time.max, tzinfo=TOKYO)
    flows: dict = {}
    for change in StageChange.objects.filter(
        pipeline=pipeline, changed_at__range=(start, end)
    ).iterator(chunk_size=5000):
        row = flows.setdefault((change.from_stage_id or 0, change.to_stage_id), [0, 0])
        row[0] += 1
        row[1] += change.seconds_in_from or 0
    return flows


def sql_funnel(pipeline, period) -> list:
    """The same flows as one aggregate query over the raw stage changes (no snapshot)."""
    from daifuku.sales.models import StageChange

    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=TOKYO)
    end = dt.datetime.combine(period.end, dt.time.max, tzinfo=TOKYO)
    return list(
        StageChange.objects.filter(pipeline=pipeline, changed_at__range=(start, end))
        .order_by()
        .values("from_stage_id", "to_stage_id")
        .annotate(n=Count("id"), s=Sum("seconds_in_from"))
    )


def run(scale: str) -> list[Result]:
    from daifuku.sales import selectors
    from daifuku.sales.maths.periods import parse_period

    data = ensure_data(scale)
    manager, pipeline = data["manager"], data["pipelines"][0]
    month, year = parse_period("2026-12"), parse_period("FY2026")
    repeat = 5 if scale == "tiny" else 15
    naive_repeat = 1 if scale == "full" else 3

    # the optimised path must agree with the naive loop before its speed means anything
    assert naive_forecast(year) == (
        selectors.forecast(manager, year).unweighted,
        selectors.forecast(manager, year).weighted,
    )
    fast_month = summary(time_ms(lambda: selectors.forecast(manager, month), repeat=repeat))
    fast_year = summary(time_ms(lambda: selectors.forecast(manager, year), repeat=repeat))
    by_rep = summary(
        time_ms(lambda: selectors.forecast_breakdown(manager, year, "owner"), repeat=repeat)
    )
    slow_year = summary(time_ms(lambda: naive_forecast(year), repeat=naive_repeat, warmup=1))
    funnel_fast = summary(time_ms(lambda: selectors.funnel(pipeline, year), repeat=repeat))
    funnel_sql = summary(
        time_ms(lambda: sql_funnel(pipeline, year), repeat=3 if scale != "full" else 2, warmup=1)
    )
    funnel_slow = summary(
        time_ms(lambda: naive_funnel(pipeline, year), repeat=naive_repeat, warmup=0)
    )
    open_in_year = selectors.forecast(manager, year).deals
    passed = fast_year["p95_ms"] < GOAL_MS and fast_month["p95_ms"] < GOAL_MS
    funnel_passed = funnel_fast["p95_ms"] < GOAL_MS
    notes = f"{data['deals']:,} deals, {data['changes']:,} stage changes"
    if data["generated_seconds"]:
        notes += f"; generated in {data['generated_seconds']} s"
    return [
        Result(
            benchmark="sales_forecast",
            scale=scale,
            metrics={
                "deals": data["deals"],
                "open_deals_in_fy": open_in_year,
                "month_p95_ms": fast_month["p95_ms"],
                "fiscal_year_p95_ms": fast_year["p95_ms"],
                "fiscal_year_by_rep_p95_ms": by_rep["p95_ms"],
            },
            baseline={"naive_orm_fiscal_year_p50_ms": slow_year["p50_ms"]},
            ratio=round(slow_year["p50_ms"] / fast_year["p50_ms"], 1)
            if fast_year["p50_ms"]
            else None,
            goal=f"forecast < {GOAL_MS} ms over 1,000,000 deals",
            passed=passed,
            notes=notes,
        ),
        Result(
            benchmark="sales_funnel",
            scale=scale,
            metrics={
                "stage_changes": data["changes"],
                "fiscal_year_p95_ms": funnel_fast["p95_ms"],
                "aggregate_sql_on_changes_p50_ms": funnel_sql["p50_ms"],
            },
            baseline={"naive_orm_fiscal_year_p50_ms": funnel_slow["p50_ms"]},
            ratio=round(funnel_slow["p50_ms"] / funnel_fast["p50_ms"], 1)
            if funnel_fast["p50_ms"]
            else None,
            goal=f"funnel < {GOAL_MS} ms over 5,000,000 stage changes",
            passed=funnel_passed,
            notes=notes,
        ),
    ]
