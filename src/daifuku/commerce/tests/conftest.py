"""Fixtures of the commerce tests: customers, a product of each tax rate, captured events."""

from __future__ import annotations

import datetime as dt

import pytest

from daifuku.customers.tests import factories


@pytest.fixture
def person(rep):
    return factories.person(rep, family_name="山田", given_name="花子")


@pytest.fixture
def company(rep):
    return factories.company(rep)


@pytest.fixture
def products(db):
    from daifuku.commerce.services import create_product

    return {
        "tea": create_product(
            actor="test",
            data={
                "code": "TEA-1",
                "name": "煎茶 100g",
                "unit_price": 1_001,
                "tax_category": "reduced",
            },
        ),
        "cup": create_product(
            actor="test", data={"code": "CUP-1", "name": "湯呑み", "unit_price": 2_999}
        ),
    }


@pytest.fixture
def when():
    return dt.date(2026, 11, 3)


@pytest.fixture
def captured():
    """Commerce events emitted (after commit) while the test runs: ``[(name, payload)]``."""
    from daifuku.core import events

    seen: list = []
    handlers = {}
    for name in ("order.recorded", "order.returned"):
        handlers[name] = lambda _n=name, **payload: seen.append((_n, payload))
        events.subscribe(name, handlers[name])
    yield seen
    for name, handler in handlers.items():
        events._after_commit[name].remove(handler)
