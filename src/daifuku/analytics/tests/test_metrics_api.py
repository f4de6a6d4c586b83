"""``GET /api/v1/people/{id}/metrics``: the contract, as of a past day, permissions and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.analytics.models import CustomerMetrics
from daifuku.commerce.services import record_return

KEYS = {
    "as_of",
    "order_count",
    "total",
    "average_order_value",
    "ltv",
    "first_order_at",
    "last_order_at",
    "recency_days",
    "days_to_second_purchase",
    "buyer_type",
    "churn_risk",
    "rfm",
    "rank",
    "predicted_clv",
    "p_alive",
}


def test_metrics_contract(rep_api, person, buy):
    first = buy(person, 4_000, days_ago=30)
    buy(person, 6_001, days_ago=5)
    response = rep_api.get(f"/api/v1/people/{person.pk}/metrics")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == KEYS
    assert (body["order_count"], body["total"], body["average_order_value"], body["ltv"]) == (
        2,
        10_001,
        5_000,
        10_000,
    )
    assert (body["recency_days"], body["days_to_second_purchase"], body["buyer_type"]) == (
        5,
        25,
        "repeat",
    )
    assert dt.datetime.fromisoformat(body["first_order_at"]) == first.ordered_at
    assert body["rank"] == "シルバー" and set(body["rfm"]) == {"r", "f", "m"}
    assert body["predicted_clv"] is None and body["p_alive"] is None
    CustomerMetrics.objects.filter(person=person).update(predicted_clv=30_000, p_alive=0.8)
    body = rep_api.get(f"/api/v1/people/{person.pk}/metrics").json()
    assert (body["predicted_clv"], body["p_alive"]) == (30_000, 0.8)


def test_as_of_a_past_day_leaves_out_later_orders_and_returns(rep_api, person, buy, committed):
    buy(person, 4_000, days_ago=30)
    later = buy(person, 150_000, days_ago=10)
    with committed():
        record_return(actor="test", order=later, returned_at=timezone.now())
    today = timezone.localdate()
    body = rep_api.get(
        f"/api/v1/people/{person.pk}/metrics",
        {"as_of": (today - dt.timedelta(days=20)).isoformat()},
    ).json()
    assert (body["order_count"], body["total"], body["recency_days"], body["rank"]) == (
        1,
        4_000,
        10,
        "ブロンズ",
    )
    # on the day after the big order and before its return, it counted (and made ゴールド)
    body = rep_api.get(
        f"/api/v1/people/{person.pk}/metrics", {"as_of": (today - dt.timedelta(days=1)).isoformat()}
    ).json()
    assert (body["order_count"], body["total"], body["rank"]) == (2, 154_000, "ゴールド")
    body = rep_api.get(f"/api/v1/people/{person.pk}/metrics", {"as_of": today.isoformat()}).json()
    assert (body["order_count"], body["total"], body["rank"]) == (1, 4_000, "ブロンズ")


def test_a_customer_without_purchases(rep_api, person):
    body = rep_api.get(f"/api/v1/people/{person.pk}/metrics").json()
    assert (
        body["order_count"],
        body["total"],
        body["rfm"],
        body["rank"],
        body["recency_days"],
    ) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert body["buyer_type"] == "none" and body["first_order_at"] is None


def test_company_metrics(rep_api, company, buy):
    buy(company, 22_000, days_ago=2)
    body = rep_api.get(f"/api/v1/companies/{company.pk}/metrics").json()
    assert (body["order_count"], body["total"], body["rank"]) == (1, 22_000, "ブロンズ")


@pytest.mark.parametrize(
    "as_of",
    ["2026/12/01", "yesterday", "2026-13-01", (dt.date.today() + dt.timedelta(days=2)).isoformat()],
)
def test_bad_as_of_is_a_field_error(rep_api, person, as_of):
    response = rep_api.get(f"/api/v1/people/{person.pk}/metrics", {"as_of": as_of})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_date" and "as_of" in response.json()["errors"]


def test_out_of_scope_and_unknown_customers_are_404(api_client, rep_api, other_rep, person, buy):
    from daifuku.customers.services import delete_person

    buy(person, 1_000)
    # everyone reads the ledger, so another team reads the figures too
    assert api_client(other_rep).get(f"/api/v1/people/{person.pk}/metrics").status_code == 200
    assert rep_api.get("/api/v1/people/999999/metrics").status_code == 404
    assert rep_api.get("/api/v1/companies/999999/metrics").status_code == 404
    delete_person(actor=person.owner, person=person)
    response = rep_api.get(f"/api/v1/people/{person.pk}/metrics")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert (
        api_client(other_rep).client.get(f"/api/v1/people/{person.pk}/metrics").status_code == 401
    )


def test_a_stricter_ledger_rule_carries_over_to_the_figures(api_client, other_rep, person, buy):
    """Figures follow whatever the customers' policy says: a policy that hides a customer
    from another team hides its figures."""
    from daifuku.accounts import permissions
    from daifuku.customers.models import Person

    buy(person, 1_000)
    saved = permissions._policies[Person]
    permissions._policies[Person] = lambda qs, user, action: (
        qs if permissions.sees_everything(user) else qs.filter(permissions.owned_scope(user))
    )
    try:
        assert api_client(other_rep).get(f"/api/v1/people/{person.pk}/metrics").status_code == 404
    finally:
        permissions._policies[Person] = saved
