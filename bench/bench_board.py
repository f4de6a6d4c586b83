"""The Kanban board of a pipeline with many open deals (issue 5).

Data: a pipeline holding 200 / 2,000 / 10,000 open deals (tiny / small / full) over four
open stages, bulk-inserted once and reused.

Measured: the whole board page (``GET /sales/pipelines/<id>/board/`` through the full
middleware stack, django.test.Client, logged in) for a manager (sees every deal) and for a
rep (team scope), against the naive board in the same run — every open deal loaded with
its customer and owner, grouped and summed in Python, all cards rendered with the same
template.

Goal: the first screen renders in under 200 ms with 10,000 open deals.
"""

from __future__ import annotations

import random

from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from . import common
from .bench_forecast import (
    DealWriter,
    bench_users,
    ensure_pipeline,
    generate_deals,
    insert_deals,
    next_deal_id,
)
from .common import Result, cpu_ms, summary, time_ms

GOAL_MS = 200
SIZES = {"tiny": 200, "small": 2_000, "full": 10_000}
PIPELINE = "bench-看板"
STAGES = [("初回訪問", 10), ("ヒアリング", 25), ("提案", 50), ("交渉", 80)]


def ensure_board(scale: str):
    from daifuku.core import db
    from daifuku.sales.models import Deal

    reps, manager = bench_users()
    pipeline = ensure_pipeline(PIPELINE, STAGES)
    target = SIZES[scale]
    have = Deal.objects.filter(pipeline=pipeline, status="open").count()
    if have < target:
        writer = DealWriter()
        stages = list(pipeline.stages.order_by("position", "id"))
        rows = generate_deals(
            pipeline=pipeline,
            stages=stages,
            count=target - have,
            owners=reps,
            first_id=next_deal_id(),
            rng=random.Random(77 + have),
            flows={},
            writer=writer,
            open_only=True,
        )
        insert_deals(rows, {}, writer)
        db.analyze(["sales_deal"])
    return pipeline, manager, reps[0], target


def naive_board(user, pipeline) -> str:
    """A first version: all open deals, grouped and summed in Python, every card rendered."""
    from daifuku.sales.models import Deal
    from daifuku.sales.selectors.deals import Column

    stages = list(pipeline.stages.order_by("position", "id"))
    deals = list(
        Deal.objects.filter(pipeline=pipeline, status="open")
        .select_related("company", "person", "owner")
        .order_by("expected_close", "id")
    )
    columns = []
    for stage in stages:
        cards = [d for d in deals if d.stage_id == stage.pk]
        amount = sum(d.amount for d in cards)
        weighted = (sum(d.amount * d.probability for d in cards) + 50) // 100
        columns.append(Column(stage, cards, len(cards), amount, weighted, None))
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "sales/partials/_board.html",
        {
            "pipeline": pipeline,
            "columns": columns,
            "move_stages": stages,
            "total_amount": sum(c.amount for c in columns),
            "total_weighted": sum(c.weighted for c in columns),
            "total_count": len(deals),
        },
        request=request,
    )


def run(scale: str) -> list[Result]:
    pipeline, manager, rep, open_deals = ensure_board(scale)
    url = f"/sales/pipelines/{pipeline.pk}/board/"
    clients = {}
    for name, user in (("manager", manager), ("rep", rep)):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        clients[name] = client
    repeat = 10 if scale == "tiny" else 30
    as_manager = summary(time_ms(lambda: clients["manager"].get(url), repeat=repeat))
    as_rep = summary(time_ms(lambda: clients["rep"].get(url), repeat=repeat))
    # CPU per request too: on a shared machine wall time also counts other processes' turns
    cpu = cpu_ms(lambda: clients["manager"].get(url), repeat=repeat, warmup=2)
    naive = summary(
        time_ms(
            lambda: naive_board(manager, pipeline), repeat=3 if scale != "tiny" else 5, warmup=1
        )
    )
    return [
        Result(
            benchmark="sales_board",
            scale=scale,
            metrics={
                "open_deals": open_deals,
                "manager_p50_ms": as_manager["p50_ms"],
                "manager_p95_ms": as_manager["p95_ms"],
                "rep_p95_ms": as_rep["p95_ms"],
                "manager_cpu_ms": round(cpu, 1),
            },
            baseline={"naive_all_cards_p50_ms": naive["p50_ms"]},
            ratio=round(naive["p50_ms"] / as_manager["p50_ms"], 1)
            if as_manager["p50_ms"]
            else None,
            goal=f"first screen < {GOAL_MS} ms with 10,000 open deals",
            passed=as_manager["p95_ms"] < GOAL_MS and as_rep["p95_ms"] < GOAL_MS,
            notes=f"{common.people_for(scale):,}-customer scale; 20 cards per column, totals in one GROUP BY",
        )
    ]
