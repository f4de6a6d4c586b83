"""The /api/v1 contract of sales, permissions on every endpoint, query budgets."""

import datetime as dt

import pytest
from django.test import Client

from daifuku.sales import services

pytestmark = pytest.mark.django_db


def lost_reason(name):
    from daifuku.sales.models import LostReason

    return LostReason.objects.get(name=name)


def test_pipelines_list_ordered_stages(rep_api, pipeline):
    response = rep_api.get("/api/v1/pipelines")
    assert response.status_code == 200
    item = next(i for i in response.json()["items"] if i["id"] == pipeline.pk)
    assert [(s["name"], s["probability"]) for s in item["stages"]] == [
        ("見込み", 10),
        ("提案", 40),
        ("交渉", 80),
        ("受注", 100),
        ("失注", 0),
    ]
    assert set(item["stages"][0]) >= {"id", "name", "probability"}


def test_create_move_and_forecast_contract(rep_api, pipeline, stages, company):
    created = rep_api.post(
        "/api/v1/deals",
        {
            "title": "受発注システム",
            "company_id": company.pk,
            "pipeline_id": pipeline.pk,
            "stage_id": stages["見込み"].pk,
            "amount": 2_000_000,
            "expected_close": "2026-05-20",
        },
    )
    assert created.status_code == 201, created.json()
    deal = created.json()
    assert (deal["stage_id"], deal["amount"], deal["probability"], deal["status"]) == (
        stages["見込み"].pk,
        2_000_000,
        10,
        "open",
    )

    forecast = rep_api.get("/api/v1/forecast", {"period": "2026-05"}).json()
    assert (forecast["period"], forecast["weighted"], forecast["unweighted"]) == (
        "2026-05",
        200_000,
        2_000_000,
    )

    moved = rep_api.post(f"/api/v1/deals/{deal['id']}/move", {"stage_id": stages["提案"].pk})
    assert moved.status_code == 200
    assert (moved.json()["stage_id"], moved.json()["probability"]) == (stages["提案"].pk, 40)
    history = rep_api.get(f"/api/v1/deals/{deal['id']}/stage-changes").json()
    assert [(h["from_stage_id"], h["to_stage_id"]) for h in history] == [
        (None, stages["見込み"].pk),
        (stages["見込み"].pk, stages["提案"].pk),
    ]
    after = rep_api.get("/api/v1/forecast", {"period": "2026-05"}).json()
    assert (after["weighted"], after["unweighted"]) == (800_000, 2_000_000)
    assert rep_api.get("/api/v1/forecast", {"period": "2026-06"}).json()["weighted"] == 0
    assert rep_api.get("/api/v1/forecast", {"period": "2026-Q1"}).json()["weighted"] == 800_000


@pytest.mark.parametrize(
    "body, field",
    [
        (
            {"title": "x", "pipeline_id": 1, "amount": 1, "expected_close": "2026-05-01"},
            "company_id",
        ),
        ({"title": "x", "company_id": 1, "amount": 1}, "expected_close"),
        (
            {"title": "x", "company_id": 1, "amount": "many", "expected_close": "2026-05-01"},
            "amount",
        ),
        (
            {"title": "x", "company_id": 1, "expected_close": "2026-05-01", "colour": "red"},
            "colour",
        ),
        ({"title": "x", "company_id": 1, "expected_close": "not a date"}, "expected_close"),
    ],
)
def test_create_deal_validation(rep_api, pipeline, body, field):
    from daifuku.customers.models import Company

    if "company_id" in body:
        body["company_id"] = Company.objects.first().pk if Company.objects.exists() else 999999
    response = rep_api.post("/api/v1/deals", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_bad_inputs_are_4xx_never_500(rep_api, pipeline, stages, make_deal, rep):
    deal = make_deal(rep)
    for path, body in [
        (f"/api/v1/deals/{deal.pk}/move", {"stage_id": 999999}),
        (f"/api/v1/deals/{deal.pk}/move", {"stage_id": "abc"}),
        (f"/api/v1/deals/{deal.pk}/move", {}),
        (f"/api/v1/deals/{deal.pk}/lines", {"name": "x", "unit_price": -5}),
        (f"/api/v1/deals/{deal.pk}/quotes", {}),
        ("/api/v1/targets", {"metric": "revenue", "period": "2026-05", "value": 1, "user": "rep"}),
    ]:
        response = rep_api.post(path, body)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    for query in ({"period": "2026-13"}, {"period": ""}, {}, {"period": "2026-05", "by": "colour"}):
        assert rep_api.get("/api/v1/forecast", query).status_code == 422
    assert rep_api.get("/api/v1/deals", {"cursor": "garbage"}).status_code == 422
    assert rep_api.get("/api/v1/deals", {"limit": 0}).status_code == 422


def test_lines_quotes_and_pdf(rep_api, rep, make_deal):
    deal = make_deal(rep, amount=0)
    line = rep_api.post(
        f"/api/v1/deals/{deal.pk}/lines", {"name": "保守", "unit_price": 10_001, "quantity": 2}
    )
    assert line.status_code == 201 and line.json()["total"] == 20_002
    rep_api.post(
        f"/api/v1/deals/{deal.pk}/lines",
        {"name": "菓子", "unit_price": 1_000, "tax_category": "reduced"},
    )
    assert rep_api.get(f"/api/v1/deals/{deal.pk}").json()["amount"] == 21_002
    quote = rep_api.post(f"/api/v1/deals/{deal.pk}/quotes", {})
    assert quote.status_code == 201
    body = quote.json()
    assert (body["subtotal"], body["tax"], body["total"]) == (21_002, 2_000 + 80, 23_082)
    assert body["number"].startswith("Q-") and body["rounding"] == "floor"
    pdf = rep_api.get(body["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    removed = rep_api.delete(f"/api/v1/deals/{deal.pk}/lines/{line.json()['id']}")
    assert removed.status_code == 204


def test_if_match_conflict(rep_api, rep, make_deal):
    deal = make_deal(rep)
    response = rep_api.patch(f"/api/v1/deals/{deal.pk}", {"title": "改題"}, HTTP_IF_MATCH='"99"')
    assert response.status_code == 412
    ok = rep_api.patch(
        f"/api/v1/deals/{deal.pk}", {"title": "改題"}, HTTP_IF_MATCH=f'"{deal.version}"'
    )
    assert ok.status_code == 200 and ok["ETag"] == f'"{deal.version + 1}"'


def test_every_deal_endpoint_hides_other_teams_deals(api_client, other_rep, rep, make_deal, stages):
    deal = make_deal(rep)
    services.add_line_item(actor=rep, deal=deal, data={"name": "作業", "unit_price": 1000})
    quote = services.issue_quote(actor=rep, deal=deal)
    line_id = deal.lines.first().pk
    other = api_client(other_rep)
    calls = [
        ("get", f"/api/v1/deals/{deal.pk}", None),
        ("patch", f"/api/v1/deals/{deal.pk}", {"title": "x"}),
        ("post", f"/api/v1/deals/{deal.pk}/move", {"stage_id": stages["提案"].pk}),
        ("get", f"/api/v1/deals/{deal.pk}/stage-changes", None),
        ("post", f"/api/v1/deals/{deal.pk}/lines", {"name": "x", "unit_price": 1}),
        ("patch", f"/api/v1/deals/{deal.pk}/lines/{line_id}", {"quantity": 2}),
        ("delete", f"/api/v1/deals/{deal.pk}/lines/{line_id}", None),
        ("post", f"/api/v1/deals/{deal.pk}/contacts", {"person_id": 1}),
        ("delete", f"/api/v1/deals/{deal.pk}/contacts/1", None),
        ("post", f"/api/v1/deals/{deal.pk}/quotes", {}),
        ("get", f"/api/v1/quotes/{quote.pk}", None),
        ("get", f"/api/v1/quotes/{quote.pk}/pdf", None),
    ]
    for method, path, body in calls:
        response = (
            getattr(other, method)(path, body) if body is not None else getattr(other, method)(path)
        )
        assert response.status_code == 404, (method, path, response.status_code)
    assert other.get("/api/v1/deals").json()["items"] == []
    assert other.get("/api/v1/forecast", {"period": "2026-05"}).json()["unweighted"] == 0


def test_every_endpoint_needs_authentication(pipeline):
    client = Client()
    for method, path in [
        ("get", "/api/v1/pipelines"),
        ("post", "/api/v1/pipelines"),
        ("get", f"/api/v1/pipelines/{pipeline.pk}"),
        ("post", f"/api/v1/pipelines/{pipeline.pk}/stages"),
        ("patch", "/api/v1/stages/1"),
        ("get", "/api/v1/products"),
        ("post", "/api/v1/products"),
        ("patch", "/api/v1/products/1"),
        ("get", "/api/v1/deals"),
        ("post", "/api/v1/deals"),
        ("get", "/api/v1/deals/1"),
        ("patch", "/api/v1/deals/1"),
        ("post", "/api/v1/deals/1/move"),
        ("get", "/api/v1/deals/1/stage-changes"),
        ("post", "/api/v1/deals/1/lines"),
        ("patch", "/api/v1/deals/1/lines/1"),
        ("delete", "/api/v1/deals/1/lines/1"),
        ("post", "/api/v1/deals/1/contacts"),
        ("delete", "/api/v1/deals/1/contacts/1"),
        ("post", "/api/v1/deals/1/quotes"),
        ("get", "/api/v1/quotes/1"),
        ("get", "/api/v1/quotes/1/pdf"),
        ("get", "/api/v1/targets"),
        ("post", "/api/v1/targets"),
        ("delete", "/api/v1/targets/1"),
        ("get", "/api/v1/forecast?period=2026-05"),
        ("get", f"/api/v1/funnel?pipeline_id={pipeline.pk}&period=FY2026"),
    ]:
        kwargs = (
            {"content_type": "application/json", "data": "{}"}
            if method in ("post", "patch")
            else {}
        )
        assert getattr(client, method)(path, **kwargs).status_code == 401, (method, path)


def test_catalogue_and_targets_are_for_managers(
    rep_api, admin_api, api_client, manager, pipeline, rep
):
    assert (
        rep_api.post("/api/v1/products", {"code": "A", "name": "A", "unit_price": 1}).status_code
        == 403
    )
    assert rep_api.post("/api/v1/pipelines", {"name": "更新"}).status_code == 403
    stage = pipeline.stages.first()
    assert rep_api.patch(f"/api/v1/stages/{stage.pk}", {"probability": 5}).status_code == 403
    created = admin_api.post(
        "/api/v1/products",
        {"code": "A", "name": "保守", "unit_price": 5000, "tax_category": "reduced"},
    )
    assert created.status_code == 201
    assert rep_api.get("/api/v1/products").json()["items"][0]["code"] == "A"
    renewal = admin_api.post(
        "/api/v1/pipelines",
        {
            "name": "更新",
            "stages": [
                {"name": "更新案内", "probability": 50},
                {"name": "更新済", "kind": "won"},
                {"name": "解約", "kind": "lost"},
            ],
        },
    )
    assert renewal.status_code == 201 and len(renewal.json()["stages"]) == 3
    bad = admin_api.post("/api/v1/pipelines", {"name": "不完全", "stages": [{"name": "only"}]})
    assert bad.status_code == 422
    boss = api_client(manager)
    target = boss.post(
        "/api/v1/targets",
        {"metric": "revenue", "period": "2026-05", "value": 1_000_000, "user": "rep"},
    )
    assert target.status_code == 201
    assert rep_api.get("/api/v1/targets").json()["items"][0]["value"] == 1_000_000
    assert rep_api.delete(f"/api/v1/targets/{target.json()['id']}").status_code == 403
    assert boss.delete(f"/api/v1/targets/{target.json()['id']}").status_code == 204


def test_targets_show_attainment(api_client, manager, rep, make_deal, stages):
    boss = api_client(manager)
    boss.post(
        "/api/v1/targets",
        {"metric": "revenue", "period": "FY2020", "value": 2_000_000, "user": "rep"},
    )
    deal = make_deal(rep, expected_close=dt.date(2020, 6, 1))
    import datetime

    from django.utils import timezone

    when = timezone.make_aware(datetime.datetime(2020, 6, 1, 12))
    services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["受注"], at=when)
    item = boss.get("/api/v1/targets", {"period": "FY2020"}).json()["items"][0]
    assert (item["actual"], item["attainment_percent"]) == (1_000_000, 50.0)


def test_funnel_endpoint(rep_api, rep, make_deal, stages, pipeline):
    for index in range(3):
        deal = make_deal(rep, title=f"案件{index}")
        deal = services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["提案"])
        if index == 0:
            services.move_deal_to_stage(
                actor=rep, deal=deal, stage=stages["失注"], lost_reason=lost_reason("予算なし")
            )
    from django.utils import timezone

    from daifuku.sales.maths.periods import period_containing

    period = period_containing(timezone.localdate(), "year").key
    body = rep_api.get("/api/v1/funnel", {"pipeline_id": pipeline.pk, "period": period}).json()
    first, second = body["stages"][0], body["stages"][1]
    assert (first["entered"], first["exited"], first["advanced"], first["conversion_percent"]) == (
        3,
        3,
        3,
        100.0,
    )
    assert (
        second["entered"],
        second["exited"],
        second["advanced"],
        second["conversion_percent"],
    ) == (3, 1, 0, 0.0)
    assert body["bottleneck"]["worst_drop_stage_id"] == stages["提案"].pk
    assert body["lost"] == 1
    assert body["lost_reasons"] == [
        {"id": lost_reason("予算なし").pk, "name": "予算なし", "count": 1}
    ]


def test_deal_list_query_budget(rep_api, rep, make_deal, django_assert_max_num_queries):
    for index in range(30):
        make_deal(rep, title=f"案件{index}")
    with django_assert_max_num_queries(6):
        response = rep_api.get("/api/v1/deals", {"limit": 25})
    assert len(response.json()["items"]) == 25 and response.json()["next_cursor"]
    second = rep_api.get(
        "/api/v1/deals", {"limit": 25, "cursor": response.json()["next_cursor"]}
    ).json()
    assert len(second["items"]) == 5
    with django_assert_max_num_queries(8):
        assert rep_api.get(f"/api/v1/deals/{second['items'][0]['id']}").status_code == 200
    with django_assert_max_num_queries(6):
        assert rep_api.get("/api/v1/forecast", {"period": "2026-05"}).status_code == 200
