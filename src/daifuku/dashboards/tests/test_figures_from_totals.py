"""The order-based figures read from analytics' running totals give exactly what the
same figures computed from the orders on the request give (every parameter tried), and
the totals answer only a viewer who sees every customer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.analytics.selectors import business, figure_totals
from daifuku.analytics.services import figure_totals as service
from daifuku.analytics.tests.test_figure_totals import generate
from daifuku.dashboards import registry

pytestmark = pytest.mark.django_db

ORDER_FIGURES = (
    "copurchase",
    "revenue_trend",
    "revenue_by_channel",
    "cohorts",
    "second_purchase",
    "ltv_by_channel",
)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def orders(rep, committed):
    from daifuku.commerce.services import create_product
    from daifuku.customers.services import create_company, create_person

    products = [
        create_product(actor="test", data={"code": f"P-{i}", "name": n, "unit_price": 1_000})
        for i, n in enumerate(["煎茶", "玉露", "豆大福", "湯呑み", "急須"])
    ]
    people = [create_person(actor=rep, data={"family_name": f"客{i}"}) for i in range(15)]
    companies = [create_company(actor=rep, data={"name": f"会社{i}"}) for i in range(3)]
    generate(people, companies, orders=40, seed=7, committed=committed, products=products)
    service.rebuild()  # then more orders kept incrementally
    generate(people, companies, orders=80, seed=8, committed=committed, products=products)
    return people


def _both(key, user, **params):
    figure = registry.get(key)
    values = registry.parse_params(figure, params)
    fast = registry.run(figure, user, values, {"totals": True})
    slow = registry.run(figure, user, values, {"totals": False})
    return fast, slow


def test_figures_from_the_totals_equal_the_figures_from_the_orders(orders, manager):
    assert _both("copurchase", manager)[1].rows  # pairs to compare
    for key in ORDER_FIGURES:
        for months in (1, 3, 24):
            for within in (1, 90, 400) if key == "second_purchase" else (90,):
                fast, slow = _both(key, manager, months=months, within_days=within)
                assert fast.rows == slow.rows, (key, months, within)
                assert fast.chart == slow.chart, (key, months, within)
                assert fast.summary == slow.summary


def test_the_page_uses_the_totals_for_a_manager_only_once_built(orders, manager, rep, committed):
    assert figure_totals.usable(manager)
    FIGURES = [registry.get(k) for k in ORDER_FIGURES]
    cache: dict = {}
    for figure in FIGURES:
        registry.run(figure, manager, registry.parse_params(figure, {}), cache)
    assert cache["totals"] is True and "rows" not in cache  # no order read


def test_a_viewer_who_does_not_see_every_customer_gets_the_orders_path(orders, rep, monkeypatch):
    from daifuku.accounts import permissions
    from daifuku.customers.models import Person

    policy = permissions._policies[Person]
    monkeypatch.setitem(
        permissions._policies,
        Person,
        lambda qs, user, action: (
            policy(qs, user, "change") if user == rep else policy(qs, user, action)
        ),
    )
    assert not figure_totals.sees_every_customer(rep)
    assert not figure_totals.usable(rep)


def test_retention_what_if_from_the_totals(orders, manager, committed):
    from daifuku.commerce.services import record_order

    today = timezone.localdate()

    def start(index):
        return dt.date(index // 12, index % 12 + 1, 1)

    this = today.year * 12 + today.month - 1
    for months in (1, 3, 6, 12):
        current = (start(this - months + 1), today)
        previous = (start(this - 2 * months + 1), current[0] - dt.timedelta(days=1))
        assert figure_totals.retention_what_if(previous, current, 5) is not None
        fast = business.retention_what_if(manager, previous=previous, current=current)
        slow_totals = figure_totals.usable
        try:
            figure_totals.usable = lambda user: False
            slow = business.retention_what_if(manager, previous=previous, current=current)
        finally:
            figure_totals.usable = slow_totals
        assert fast == slow
    # an order dated after today: the month's totals cannot cut at today any more
    with committed():
        record_order(
            actor="test",
            number="FUTURE-1",
            ordered_at=timezone.now() + dt.timedelta(days=40),
            total=1_100,
            person=orders[0],
        )
    assert figure_totals.retention_what_if(previous, current, 5) is None
    # whole months are still answered from the totals
    last_month_end = current[0] - dt.timedelta(days=1)
    assert (
        figure_totals.retention_what_if(
            (start(this - 4), start(this - 2) - dt.timedelta(days=1)),
            (start(this - 2), last_month_end),
            5,
        )
        is not None
    )
