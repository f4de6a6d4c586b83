"""Fixtures of the sales tests: a pipeline with the usual stages, customers, deals."""

from __future__ import annotations

import pytest

from daifuku.customers.tests import factories as customer_factories
from daifuku.sales.tests import factories


@pytest.fixture
def pipeline(db):
    return factories.pipeline(stages=factories.USUAL_STAGES)


@pytest.fixture
def stages(pipeline):
    return {s.name: s for s in pipeline.stages.order_by("position")}


@pytest.fixture
def company(db):
    return customer_factories.company("test")


@pytest.fixture
def person(db):
    return customer_factories.person("test", family_name="山田", given_name="花子")


@pytest.fixture
def make_deal(pipeline, company):
    def make(actor, **data):
        return factories.deal(actor, pipeline, **{"company_id": company.pk, **data})

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
