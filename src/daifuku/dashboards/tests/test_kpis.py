"""KPIs: the metric catalogue, periods (年度 from April), targets, attainment, pages, API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from daifuku.core import metrics
from daifuku.core.errors import PermissionDenied, ValidationFailed
from daifuku.dashboards import periods, selectors, services
from daifuku.dashboards.models import KpiTarget

from .conftest import months_ago

pytestmark = pytest.mark.django_db


def test_each_domain_registers_its_metrics():
    keys = {m.key for m in metrics.catalogue()}
    assert {
        "commerce.revenue",
        "commerce.orders",
        "commerce.average_order_value",
        "commerce.new_customers",
        "commerce.repeat_rate",
        "commerce.second_purchase_conversion",
        "activities.touches",
        "sales.deals_won",
    } <= keys


def test_registering_a_metric_is_one_call():
    metrics.register("test.answer", "答え", lambda start, end, scope: 42)
    assert metrics.value("test.answer", dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == 42


@pytest.mark.parametrize(
    ("day", "kind", "start", "label"),
    [
        (dt.date(2026, 3, 31), "fiscal_year", dt.date(2025, 4, 1), "2025年度"),
        (dt.date(2026, 4, 1), "fiscal_year", dt.date(2026, 4, 1), "2026年度"),
        (dt.date(2027, 2, 10), "quarter", dt.date(2027, 1, 1), "2026年度 第4四半期"),
        (dt.date(2026, 5, 31), "quarter", dt.date(2026, 4, 1), "2026年度 第1四半期"),
        (dt.date(2026, 12, 24), "month", dt.date(2026, 12, 1), "2026年12月"),
    ],
)
def test_periods(day, kind, start, label):
    assert periods.start_of(day, kind) == start
    assert periods.label(start, kind) == label


def test_period_ends_and_steps():
    assert periods.end_of(dt.date(2026, 4, 1), "fiscal_year") == dt.date(2027, 3, 31)
    assert periods.end_of(dt.date(2026, 1, 1), "quarter") == dt.date(2026, 3, 31)
    assert periods.recent("month", 3, dt.date(2026, 1, 15)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
    ]


def test_commerce_metrics_on_generated_orders(shop):
    start, end = months_ago(3).date().replace(day=1), months_ago(2).date().replace(day=28)
    assert metrics.value("commerce.revenue", start, end) == 11_000 + 22_000 + 5_500 + 1_100
    assert metrics.value("commerce.orders", start, end) == 4
    assert metrics.value("commerce.average_order_value", start, end) == round(39_600 / 4)
    assert metrics.value("commerce.new_customers", start, end) == 3
    # of the three buyers of those months only 花子 bought on two days
    assert metrics.value("commerce.repeat_rate", start, end) == pytest.approx(1 / 3)
    # first purchases 3 months ago: 花子 came back within 90 days, 太郎 after ~60 days too
    first = months_ago(3).date().replace(day=1)
    rate = metrics.value("commerce.second_purchase_conversion", first, first.replace(day=28))
    assert rate == 1.0


def test_manager_sets_a_kpi_and_its_targets_and_sees_attainment(shop, manager):
    kpi = services.create_kpi(
        actor=manager,
        data={"metric": "commerce.revenue", "period_type": "month", "owner": manager.pk},
    )
    assert kpi.name == "売上"  # the metric's label when no name is given
    month = months_ago(1).date().replace(day=1)
    services.set_targets(
        actor=manager, kpi=kpi, targets=[{"period_start": months_ago(1).date(), "value": "220,000"}]
    )
    assert KpiTarget.objects.get(kpi=kpi).period_start == month
    results = selectors.attainment(kpi, periods_back=3)
    last_month = results[-2]
    assert last_month.actual == 110_000 and last_month.target == 220_000
    assert last_month.rate == 0.5
    assert results[-1].current is True


def test_rate_targets_are_entered_in_percent(manager):
    kpi = services.create_kpi(actor=manager, data={"metric": "commerce.repeat_rate"})
    services.set_targets(
        actor=manager, kpi=kpi, targets=[{"period_start": "2026-04-01", "value": "30"}]
    )
    assert float(KpiTarget.objects.get(kpi=kpi).value) == 0.3


def test_bad_input_is_a_field_error(manager):
    with pytest.raises(ValidationFailed) as caught:
        services.create_kpi(actor=manager, data={"metric": "nope", "period_type": "week"})
    assert set(caught.value.errors) >= {"metric", "period_type"}
    kpi = services.create_kpi(actor=manager, data={"metric": "commerce.revenue"})
    with pytest.raises(ValidationFailed) as caught:
        services.set_targets(actor=manager, kpi=kpi, targets=[{"period_start": "x", "value": "y"}])
    assert "targets.0.period_start" in caught.value.errors


def test_reps_cannot_set_kpis(rep):
    with pytest.raises(PermissionDenied):
        services.create_kpi(actor=rep, data={"metric": "commerce.revenue"})


def test_owner_only_counts_the_owners_touches(manager, rep):
    kpi = services.create_kpi(
        actor=manager,
        data={"metric": "activities.touches", "owner": rep.pk, "owner_only": True},
    )
    assert selectors.attainment(kpi, periods_back=1)[-1].actual == 0


def test_pages(shop, manager, rep):
    client = Client()
    client.force_login(manager)
    page = client.get("/dashboards/kpis/")
    assert page.status_code == 200 and "KPIを追加" in page.content.decode()
    created = client.post(
        "/dashboards/kpis/new/",
        {"metric": "commerce.revenue", "name": "月次売上", "period_type": "month"},
    )
    assert created.status_code == 302
    kpi = selectors.list_kpis(manager).get(name="月次売上")
    start = periods.start_of(months_ago(0).date(), "month")
    saved = client.post(f"/dashboards/kpis/{kpi.pk}/", {f"target-{start:%Y-%m-%d}": "1000000"})
    assert saved.status_code == 302
    detail = client.get(f"/dashboards/kpis/{kpi.pk}/").content.decode()
    assert "¥1,000,000" in detail and "目標を保存" in detail
    # the saved target is in its box as typed, never as 1e+06
    assert 'value="1000000"' in detail and "e+06" not in detail
    # a rep reads the KPIs but cannot change them
    client.force_login(rep)
    assert client.get(f"/dashboards/kpis/{kpi.pk}/").status_code == 200
    assert "目標を保存" not in client.get(f"/dashboards/kpis/{kpi.pk}/").content.decode()
    assert client.post(f"/dashboards/kpis/{kpi.pk}/", {}).status_code == 403
    assert client.post("/dashboards/kpis/new/", {"metric": "commerce.revenue"}).status_code == 403
    assert client.post(f"/dashboards/kpis/{kpi.pk}/deactivate/").status_code == 403
    client.force_login(manager)
    assert client.post(f"/dashboards/kpis/{kpi.pk}/deactivate/").status_code == 302
    assert not selectors.list_kpis(manager).filter(pk=kpi.pk).exists()


def test_api(shop, manager, rep, api_client):
    boss, seller = api_client(manager), api_client(rep)
    made = boss.post(
        "/api/v1/kpis",
        {
            "metric": "commerce.revenue",
            "name": "売上",
            "period_type": "quarter",
            "targets": [{"period_start": str(months_ago(0).date()), "value": 500000}],
        },
    )
    assert made.status_code == 201, made.content
    kpi_id = made.json()["id"]
    listed = seller.get("/api/v1/kpis").json()
    assert [k["id"] for k in listed["items"]] == [kpi_id]
    assert any(m["key"] == "commerce.revenue" for m in listed["metrics"])
    got = seller.get(f"/api/v1/kpis/{kpi_id}/attainment?periods=2").json()
    assert len(got["periods"]) == 2 and got["periods"][-1]["target"] == 500000
    refused = seller.post("/api/v1/kpis", {"metric": "commerce.revenue"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    bad = boss.post("/api/v1/kpis", {"metric": "nope"})
    assert bad.status_code == 422 and "metric" in bad.json()["errors"]
    assert seller.get("/api/v1/kpis/999999/attainment").status_code == 404
