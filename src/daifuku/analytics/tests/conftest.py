"""Fixtures of the analytics tests: customers and a way to record orders quickly."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def person(rep):
    from daifuku.customers.services import create_person

    return create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})


@pytest.fixture
def company(rep):
    from daifuku.customers.services import create_company

    return create_company(actor=rep, data={"name": "株式会社山田製作所"})


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): …`` runs what waits for the commit (events, tasks) at the end
    of the block, as the real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def buy(db, committed):
    """``buy(customer, yen, days_ago)`` records an order of that total (tax included)."""
    from django.utils import timezone

    from daifuku.commerce.services import record_order

    counter = iter(range(1, 10**6))

    def buy(customer, total: int, days_ago: int = 0, *, at: dt.datetime | None = None):
        field = "person" if customer._meta.model_name == "person" else "company"
        when = at or timezone.localtime() - dt.timedelta(days=days_ago)
        with committed():
            order, _created = record_order(
                actor="test",
                number=f"T-{next(counter)}",
                ordered_at=when.replace(microsecond=0),
                total=total,
                **{field: customer},
            )
        return order

    return buy


@pytest.fixture
def rank_events():
    """``customer.rank_changed`` events seen after commit: ``[payload]``."""
    from daifuku.core import events

    seen: list = []

    def handler(**payload):
        seen.append(payload)

    events.subscribe("customer.rank_changed", handler)
    return seen
