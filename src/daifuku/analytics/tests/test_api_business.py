"""``/api/v1/analytics/…`` and ``/api/v1/people/{id}/recommendations``: the contract's
shapes, bad parameters as 4xx with stable codes, and who may call what."""

from __future__ import annotations

import datetime as dt

import pytest

from . import business_world

pytestmark = pytest.mark.django_db
shop, world = business_world.shop, business_world.world  # fixtures


@pytest.fixture
def manager_api(manager, api_client):
    return api_client(manager)


def test_cohorts_contract(manager_api, world):
    response = manager_api.get("/api/v1/analytics/cohorts?from=2026-01&to=2026-02")
    assert response.status_code == 200, response.json()
    cohorts = response.json()["cohorts"]
    assert [c["cohort"] for c in cohorts] == ["2026-01", "2026-02"]
    assert cohorts[0]["size"] == 2
    assert cohorts[0]["retention"][:3] == [1.0, 0.5, 0.5]


def test_second_purchase_contract(manager_api, world):
    response = manager_api.get(
        "/api/v1/analytics/second-purchase?within_days=30&from=2026-01-01&to=2026-02-28"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["first_buyers"], body["converted"], body["rate"]) == (4, 1, 0.25)


def test_the_other_figures_answer(manager_api, world):
    ok = {
        "/api/v1/analytics/repeat-rate?as_of=2026-12-01": lambda b: b["rate"] == 0.5,
        "/api/v1/analytics/churn?as_of=2026-03-31&window_days=60": lambda b: b["rate"] == 0.5,
        "/api/v1/analytics/ltv?by=route": lambda b: (
            {g["group"] for g in b["groups"]} == {"店舗", "EC", "電話"}
        ),
        "/api/v1/analytics/ltv?by=acquisition": lambda b: b["groups"][0]["ltv"] > 0,
        "/api/v1/analytics/revenue?by=product&from=2026-01-01&to=2026-12-31": lambda b: (
            b["groups"][0]["revenue_before_tax"] > 0
        ),
        "/api/v1/analytics/revenue?by=route&from=2026-01-01&to=2026-01-31": lambda b: (
            len(b["groups"]) == 2
        ),
        "/api/v1/analytics/retention-what-if?fiscal_year=2026": lambda b: b["points"] == 5,
        "/api/v1/analytics/retention-what-if?as_of=2026-04-30&points=10": lambda b: (
            b["points"] == 10
        ),
        "/api/v1/analytics/co-purchases": lambda b: b["items"][0]["orders_together"] == 3,
        "/api/v1/analytics/upsell-paths": lambda b: (
            b["items"][0]["from_product"]["code"] == "CHA-SENCHA"
        ),
    }
    for url, check in ok.items():
        response = manager_api.get(url)
        assert response.status_code == 200, (url, response.json())
        assert check(response.json()), (url, response.json())


@pytest.mark.parametrize(
    "url, status, code, field",
    [
        ("/api/v1/analytics/cohorts?from=2026-13", 422, "invalid_month", "from"),
        ("/api/v1/analytics/cohorts?from=2026-1", 422, "invalid_month", "from"),
        ("/api/v1/analytics/cohorts?from=2026-05&to=2026-01", 422, "invalid_range", "to"),
        ("/api/v1/analytics/second-purchase?within_days=-1", 422, "invalid_within_days", None),
        ("/api/v1/analytics/second-purchase?within_days=abc", 422, "validation_error", None),
        ("/api/v1/analytics/second-purchase?from=2026-02-30", 422, "invalid_date", "from"),
        (
            "/api/v1/analytics/second-purchase?from=2026-03-01&to=2026-01-01",
            422,
            "invalid_range",
            "to",
        ),
        ("/api/v1/analytics/churn?window_days=0", 422, "invalid_window", None),
        ("/api/v1/analytics/churn?as_of=0001-01-01", 422, "invalid_date", "as_of"),
        ("/api/v1/analytics/repeat-rate?as_of=9999-12-31", 422, "invalid_date", "as_of"),
        ("/api/v1/analytics/ltv?by=prefecture", 422, "invalid_group", "by"),
        ("/api/v1/analytics/revenue?by=store", 422, "invalid_group", "by"),
        ("/api/v1/analytics/revenue?from=yesterday", 422, "invalid_date", "from"),
        ("/api/v1/analytics/retention-what-if?points=0", 422, "invalid_points", "points"),
        ("/api/v1/analytics/retention-what-if?fiscal_year=99999", 422, "invalid_date", None),
        ("/api/v1/analytics/co-purchases?limit=0", 422, "invalid_limit", "limit"),
        ("/api/v1/analytics/clv?period=fortnight", 422, "invalid_period", "period"),
        ("/api/v1/analytics/clv?calibration_end=1997-9-30", 422, "invalid_date", None),
    ],
)
def test_bad_parameters_are_4xx_with_a_stable_code(manager_api, url, status, code, field):
    response = manager_api.get(url)
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code
    if field:
        assert field in body["errors"]


@pytest.mark.parametrize("role", ["rep", "support"])
def test_reps_and_support_may_not_read_business_figures(api_client, make_user, teams, role):
    caller = api_client(make_user(f"x-{role}", role, teams["tokyo"]))
    for path in (
        "cohorts",
        "second-purchase",
        "repeat-rate",
        "churn",
        "ltv",
        "revenue",
        "retention-what-if",
        "co-purchases",
        "upsell-paths",
        "clv",
    ):
        response = caller.get(f"/api/v1/analytics/{path}")
        assert response.status_code == 403, path
        assert response.json()["code"] == "permission_denied"


def test_marketers_read_business_figures(api_client, make_user, teams, world):
    marketer = api_client(make_user("mk", "marketer", teams["osaka"]))
    assert marketer.get("/api/v1/analytics/cohorts").status_code == 200


def test_clv_is_fitted_by_the_job_then_served(manager_api, django_capture_on_commit_callbacks):
    from daifuku.commerce.services import record_order
    from daifuku.customers.services import create_person

    d = dt.date
    for name, days in (("甲", (5, 40, 70)), ("乙", (20, 110)), ("丙", (30,)), ("丁", (3, 9, 60))):
        person = create_person(actor="test", data={"family_name": name, "given_name": "様"})
        for n, day in enumerate(days):
            record_order(
                actor="test",
                number=f"{name}{n}",
                person=person,
                ordered_at=d(2026, 1, 1) + dt.timedelta(days=day),
                total=1_000 * (n + 2),
            )
    url = "/api/v1/analytics/clv?calibration_end=2026-06-30&period=week"
    with django_capture_on_commit_callbacks(execute=True):
        started = manager_api.get(url)
        # the job is queued when the request's transaction commits: poll
        assert started.status_code == 202, started.json()
        assert started.json()["status"] == "queued"
    first = manager_api.get(url)
    assert first.status_code == 200, first.json()
    body = first.json()
    assert body["job_id"] == started.json()["job_id"]
    assert set(body["bgnbd"]) == {"r", "alpha", "a", "b"}
    assert set(body["gamma_gamma"]) == {"p", "q", "gamma"}
    assert body["customers"] == 4
    again = manager_api.get(url)
    assert again.status_code == 200 and again.json()["job_id"] == body["job_id"]


def test_clv_answers_202_while_the_job_runs(manager, manager_api):
    from daifuku.core import jobs

    job = jobs.start_job(
        kind="analytics.fit_clv",
        actor=manager,
        parameters={"calibration_end": "2026-06-30", "period": "week"},
        total=4,
    )
    response = manager_api.get("/api/v1/analytics/clv?calibration_end=2026-06-30")
    assert response.status_code == 202
    assert response.json()["job_id"] == job.pk
    assert response.json()["status"] == "queued"


def test_clv_without_orders_is_a_422_until_refreshed(
    manager_api, django_capture_on_commit_callbacks
):
    url = "/api/v1/analytics/clv?calibration_end=2026-06-30"
    with django_capture_on_commit_callbacks(execute=True):
        assert manager_api.get(url).status_code == 202
    response = manager_api.get(url)
    assert response.status_code == 422 and response.json()["code"] == "clv_fit_failed"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert manager_api.get(url).json()["code"] == "clv_fit_failed"  # not fitted again
        assert manager_api.get(url + "&refresh=true").status_code == 202
    assert len(queued) == 1


def test_recommendations_contract_and_scope(rep_api, api_client, other_rep, shop):
    from daifuku.commerce.services import record_order
    from daifuku.customers.services import create_person

    buyer = create_person(actor="test", data={"family_name": "客", "given_name": "様"})

    def order(number, *products, person=buyer):
        record_order(
            actor="test",
            number=number,
            person=person,
            ordered_at=dt.date(2026, 5, 1),
            lines=[{"product": shop[p], "quantity": 1} for p in products],
        )

    for n in range(2):
        order(f"XY{n}", "sencha", "gyokuro")
    for n in range(3):
        order(f"Z{n}", "yunomi")
    target = create_person(actor="test", data={"family_name": "対象", "given_name": "様"})
    order("T1", "sencha", person=target)
    response = rep_api.get(f"/api/v1/people/{target.pk}/recommendations")
    assert response.status_code == 200, response.json()
    items = response.json()["items"]
    assert [(i["rank"], i["code"], i["reason"]) for i in items] == [
        (1, "CHA-GYOKURO", "co_purchase"),
        (2, "KOG-YUNOMI", "popular"),
    ]
    # 玉露 with 煎茶 in 2 of 6 orders, 煎茶 in 3, 玉露 in 2: lift 2, confidence 2/3
    assert items[0]["because_of"]["code"] == "CHA-SENCHA"
    assert items[0]["lift"] == 2.0 and items[0]["confidence"] == pytest.approx(2 / 3, abs=1e-4)
    assert "煎茶" in items[0]["explanation"]
    assert items[1]["orders"] == 3
    assert (
        rep_api.get(f"/api/v1/people/{target.pk}/recommendations?limit=1").json()["items"][0][
            "code"
        ]
        == "CHA-GYOKURO"
    )
    assert rep_api.get(f"/api/v1/people/{target.pk}/recommendations?limit=0").status_code == 422
    assert rep_api.get("/api/v1/people/999999/recommendations").status_code == 404


def test_retention_what_if_by_fiscal_year(manager_api, world):
    """年度 2026 (April 2026 – March 2027) against 2025: 青木, 馬場, 千葉 and 大和商事 bought
    in January–March 2026; only 大和商事 came back in April."""
    body = manager_api.get("/api/v1/analytics/retention-what-if?fiscal_year=2026").json()
    assert body["previous"] == {
        "start": "2025-04-01",
        "end": "2026-03-31",
        "buyers": 4,
        "revenue": None,
    }
    assert body["current"]["start"] == "2026-04-01" and body["current"]["buyers"] == 1
    assert (body["retained"], body["retention"]) == (1, 0.25)
    assert body["current"]["revenue"] == 22_000
    # 1 buyer × ¥22,000 × 25 % → 30 %
    assert (body["projected_revenue"], body["projected_revenue_with_points"]) == (5_500, 6_600)


def test_products_the_person_looked_at_come_after_co_purchases_and_before_popular(rep_api, shop):
    """Browsing (behaviour's product views of the person) between co-purchase and
    popularity; never what the person already bought."""
    from django.utils import timezone

    from daifuku.behaviour.models import Event
    from daifuku.commerce.services import record_order
    from daifuku.customers.services import create_person

    buyer = create_person(actor="test", data={"family_name": "客", "given_name": "様"})

    def order(number, *products, person=buyer):
        record_order(
            actor="test",
            number=number,
            person=person,
            ordered_at=dt.date(2026, 5, 1),
            lines=[{"product": shop[p], "quantity": 1} for p in products],
        )

    for n in range(2):
        order(f"XY{n}", "sencha", "gyokuro")
    for n in range(3):
        order(f"Z{n}", "yunomi")
    target = create_person(actor="test", data={"family_name": "対象", "given_name": "様"})
    order("T1", "sencha", person=target)
    now = timezone.now()
    for n, sku in enumerate(["KOG-YUNOMI", "CHA-SENCHA", "KOG-YUNOMI", "CHA-SENCHA"]):
        Event.objects.create(
            event_id=f"v{n}", visitor_id="visitor", kind="product_view", occurred_at=now,
            sku=sku, person=target,
        )  # fmt: skip
    items = rep_api.get(f"/api/v1/people/{target.pk}/recommendations").json()["items"]
    assert [(i["code"], i["reason"]) for i in items][:2] == [
        ("CHA-GYOKURO", "co_purchase"),
        ("KOG-YUNOMI", "viewed"),
    ]
    assert items[1]["views"] == 2 and "2" in items[1]["explanation"]
    assert "CHA-SENCHA" not in [i["code"] for i in items]  # bought already
