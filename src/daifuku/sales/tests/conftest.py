"""Fixtures of the sales tests: a pipeline with the usual stages, customers, deals."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def pipeline(db):
    from daifuku.sales.services import create_pipeline

    return create_pipeline(
        actor="test",
        name="新規開拓",
        stages=[
            {"name": "見込み", "probability": 10, "rotting_days": 30},
            {"name": "提案", "probability": 40},
            {"name": "交渉", "probability": 80, "rotting_days": 7},
            {"name": "受注", "kind": "won"},
            {"name": "失注", "kind": "lost", "probability": 0},
        ],
    )


@pytest.fixture
def stages(pipeline):
    return {s.name: s for s in pipeline.stages.order_by("position")}


@pytest.fixture
def company(db):
    from daifuku.customers.services import create_company

    return create_company(actor="test", data={"name": "株式会社山田製作所"})


@pytest.fixture
def person(db):
    from daifuku.customers.services import create_person

    return create_person(actor="test", data={"family_name": "山田", "given_name": "花子"})


@pytest.fixture
def make_deal(pipeline, company):
    from daifuku.sales.services import create_deal

    def make(actor, **data):
        values = {
            "title": "基幹システム更改",
            "company_id": company.pk,
            "pipeline_id": pipeline.pk,
            "amount": 1_000_000,
            "expected_close": dt.date(2026, 5, 20),
        }
        values.update(data)
        return create_deal(actor=actor, data=values)

    return make


@pytest.fixture
def captured():
    """Events emitted (after commit) while the test runs: ``[(name, payload)]``."""
    from daifuku.core import events

    seen: list = []
    handlers = {}
    for name in ("deal.won", "deal.lost", "deal.stage_changed", "deal.stalled"):
        handlers[name] = lambda _n=name, **payload: seen.append((_n, payload))
        events.subscribe(name, handlers[name])
    yield seen
    for name, handler in handlers.items():
        events._after_commit[name].remove(handler)
