"""Deals, moves, lines, quotes, stalled detection, targets (merge participation: test_merge.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.core.errors import NotFound, PermissionDenied, ValidationFailed
from daifuku.core.models import AuditEntry
from daifuku.sales import services
from daifuku.sales.models import Deal, LostReason, Quote, StageChange, StageFlowDaily

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_deal_defaults(rep, make_deal, stages):
    deal = make_deal(rep)
    assert deal.stage == stages["見込み"]
    assert (deal.status, deal.probability, deal.owner, deal.team) == ("open", 10, rep, rep.team)
    change = StageChange.objects.get(deal=deal)
    assert (change.from_stage, change.to_stage, change.changed_by) == (None, stages["見込み"], rep)
    assert AuditEntry.objects.filter(
        object_type="sales.deal", object_id=deal.pk, action="create"
    ).exists()
    flow = StageFlowDaily.objects.get()
    assert (flow.from_stage_id, flow.to_stage_id, flow.moves) == (0, stages["見込み"].pk, 1)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": ""}, "title"),
        ({"company_id": None}, "company_id"),
        ({"company_id": 999999}, "company_id"),
        ({"amount": -1}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"probability": 101}, "probability"),
        ({"expected_close": None}, "expected_close"),
        ({"expected_close": "2026-13-01"}, "expected_close"),
        ({"forecast_category": "maybe"}, "forecast_category"),
        ({"pipeline_id": 999999}, "pipeline_id"),
        ({"stage_id": 999999}, "stage_id"),
    ],
)
def test_create_deal_refuses_bad_input(rep, make_deal, data, field):
    with pytest.raises(ValidationFailed) as exc:
        make_deal(rep, **data)
    assert field in exc.value.errors
    assert not Deal.objects.exists()


def test_stage_of_another_pipeline_is_refused(rep, make_deal, pipeline):
    other = services.create_pipeline(actor="test", name="更新")
    with pytest.raises(ValidationFailed) as exc:
        make_deal(rep, pipeline_id=pipeline.pk, stage_id=other.stages.first().pk)
    assert "stage_id" in exc.value.errors


def test_rep_cannot_hand_a_deal_to_another_team(rep, other_rep, teammate, make_deal):
    with pytest.raises(ValidationFailed) as exc:
        make_deal(rep, owner=other_rep.username)
    assert "owner" in exc.value.errors
    assert make_deal(rep, owner=teammate.username).owner == teammate


def test_move_records_history_and_probability(rep, make_deal, stages, captured):
    deal = make_deal(rep)
    later = deal.stage_entered_at + dt.timedelta(days=3)
    moved = services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["提案"], at=later)
    assert (moved.stage, moved.probability, moved.version) == (stages["提案"], 40, deal.version + 1)
    change = StageChange.objects.filter(deal=deal).order_by("-id").first()
    assert (change.from_stage, change.to_stage, change.seconds_in_from) == (
        stages["見込み"],
        stages["提案"],
        3 * 86400,
    )
    assert captured == [
        (
            "deal.stage_changed",
            {
                "deal_id": deal.pk,
                "pipeline_id": deal.pipeline_id,
                "from_stage_id": stages["見込み"].pk,
                "to_stage_id": stages["提案"].pk,
                "changed_at": later,
            },
        )
    ]
    # moving to the same stage is a no-op
    assert (
        services.move_deal_to_stage(actor=rep, deal=moved, stage=stages["提案"]).version
        == moved.version
    )


def test_overridden_probability_survives_moves(rep, make_deal, stages):
    deal = make_deal(rep, probability=55)
    assert (deal.probability, deal.probability_overridden) == (55, True)
    deal = services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["交渉"])
    assert deal.probability == 55
    deal = services.update_deal(actor=rep, deal=deal, data={"probability": None})
    assert (deal.probability, deal.probability_overridden) == (80, False)


def test_win_and_lose_emit_events(rep, make_deal, stages, person, captured):
    deal = make_deal(rep, person_id=person.pk)
    won = services.move_deal_to_stage(
        actor=rep, deal=deal, stage=stages["受注"], reason="価格と導入実績"
    )
    assert (won.status, won.probability, won.forecast_category, won.close_reason) == (
        "won",
        100,
        "closed",
        "価格と導入実績",
    )
    assert won.closed_at is not None
    assert (
        "deal.won",
        {
            "deal_id": deal.pk,
            "person_id": person.pk,
            "company_id": deal.company_id,
            "amount": 1_000_000,
            "won_at": won.closed_at,
        },
    ) in captured
    reopened = services.move_deal_to_stage(actor=rep, deal=won, stage=stages["交渉"])
    assert (
        reopened.status,
        reopened.closed_at,
        reopened.forecast_category,
        reopened.probability,
    ) == ("open", None, "pipeline", 80)
    lost = services.move_deal_to_stage(
        actor=rep,
        deal=reopened,
        stage=stages["失注"],
        reason="競合に価格負け",
        lost_reason=LostReason.objects.get(name="価格"),
    )
    assert lost.status == "lost" and lost.probability == 0 and lost.lost_reason.name == "価格"
    assert [name for name, _ in captured].count("deal.lost") == 1


def test_other_team_cannot_change_a_deal(rep, other_rep, make_deal, stages):
    deal = make_deal(rep)
    with pytest.raises(NotFound):
        services.move_deal_to_stage(actor=other_rep, deal=deal, stage=stages["提案"])
    with pytest.raises(NotFound):
        services.update_deal(actor=other_rep, deal=deal, data={"title": "x"})


def test_stale_version_is_a_conflict(rep, make_deal):
    from daifuku.core.errors import ConflictError

    deal = make_deal(rep)
    services.update_deal(
        actor=rep, deal=deal, data={"title": "新しい件名"}, expected_version=deal.version
    )
    with pytest.raises(ConflictError):
        services.update_deal(
            actor=rep, deal=deal, data={"title": "古い"}, expected_version=deal.version
        )


def test_line_items_drive_the_amount(rep, make_deal):
    product = services.create_product(
        actor="test", data={"code": "P-1", "name": "保守サービス", "unit_price": 50_000}
    )
    deal = make_deal(rep, amount=0)
    services.add_line_item(actor=rep, deal=deal, data={"product_id": product.pk, "quantity": 3})
    line = services.add_line_item(
        actor=rep,
        deal=deal,
        data={"name": "お弁当", "unit_price": 1_080, "quantity": 10, "tax_category": "reduced"},
    )
    deal.refresh_from_db()
    assert (deal.amount, deal.amount_from_lines) == (160_800, True)
    services.update_line_item(actor=rep, deal=deal, line=line, data={"quantity": 5})
    deal.refresh_from_db()
    assert deal.amount == 155_400
    services.remove_line_item(actor=rep, deal=deal, line=line)
    deal.refresh_from_db()
    assert deal.amount == 150_000
    deal = services.update_deal(actor=rep, deal=deal, data={"amount": 120_000})
    assert (deal.amount, deal.amount_from_lines) == (120_000, False)
    services.add_line_item(actor=rep, deal=deal, data={"name": "追加", "unit_price": 1})
    deal.refresh_from_db()
    assert deal.amount == 120_000  # entered by hand: lines no longer override it


def test_quote_numbering_tax_and_pdf(rep, make_deal):
    deal = make_deal(rep, amount=0)
    services.add_line_item(
        actor=rep, deal=deal, data={"name": "システム導入", "unit_price": 99_999}
    )
    services.add_line_item(
        actor=rep, deal=deal, data={"name": "お茶", "unit_price": 1_299, "tax_category": "reduced"}
    )
    first = services.issue_quote(actor=rep, deal=deal, issued_on=dt.date(2026, 5, 1))
    second = services.issue_quote(actor=rep, deal=deal, issued_on=dt.date(2026, 5, 2))
    next_year = services.issue_quote(actor=rep, deal=deal, issued_on=dt.date(2027, 1, 5))
    assert [first.number, second.number, next_year.number] == [
        "Q-2026-0001",
        "Q-2026-0002",
        "Q-2027-0001",
    ]
    assert first.tax_breakdown == [
        {"rate": 10, "taxable": 99_999, "tax": 9_999},
        {"rate": 8, "taxable": 1_299, "tax": 103},
    ]
    assert (first.subtotal, first.tax, first.total, first.rounding) == (
        101_298,
        10_102,
        111_400,
        "floor",
    )
    assert first.customer_name == "株式会社山田製作所 御中"
    with first.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert first.pdf.name.startswith("sales/quotes/")


def test_quote_needs_lines_and_a_failed_quote_keeps_numbers_gap_free(rep, make_deal):
    from daifuku.core.errors import DomainError

    deal = make_deal(rep)
    with pytest.raises(DomainError) as exc:
        services.issue_quote(actor=rep, deal=deal, issued_on=dt.date(2026, 5, 1))
    assert exc.value.code == "quote_without_lines"
    services.add_line_item(actor=rep, deal=deal, data={"name": "作業", "unit_price": 1000})
    assert (
        services.issue_quote(actor=rep, deal=deal, issued_on=dt.date(2026, 5, 1)).number
        == "Q-2026-0001"
    )
    assert Quote.objects.count() == 1


def test_stalled_detection_is_once_per_episode(rep, make_deal, stages, captured):
    deal = make_deal(rep)
    fresh = make_deal(rep, title="新しい案件")
    Deal.objects.filter(pk=deal.pk).update(created_at=timezone.now() - dt.timedelta(days=20))
    assert services.flag_stalled_deals() == 1
    assert services.flag_stalled_deals() == 0  # idempotent
    stalled = [p for name, p in captured if name == "deal.stalled"]
    assert [(p["deal_id"], p["reason"]) for p in stalled] == [(deal.pk, "no_touch")]
    deal.refresh_from_db()
    assert deal.stalled_reason == "no_touch" and deal.stalled_at is not None
    # a touch ends the episode
    services.note_touch(
        touch_id=1,
        person_id=None,
        company_id=None,
        subject_type="sales.deal",
        subject_id=deal.pk,
        occurred_at=timezone.now(),
    )
    deal.refresh_from_db()
    assert deal.stalled_at is None and deal.last_touch_at is not None
    assert services.flag_stalled_deals() == 0
    # past the rotting limit of 交渉 (7 days)
    moved = services.move_deal_to_stage(
        actor=rep, deal=fresh, stage=stages["交渉"], at=timezone.now() - dt.timedelta(days=8)
    )
    Deal.objects.filter(pk=moved.pk).update(last_touch_at=timezone.now())
    assert services.flag_stalled_deals() == 1
    moved.refresh_from_db()
    assert moved.stalled_reason == "rotting"


def test_touch_on_a_customer_touches_their_open_deals(rep, make_deal, company):
    deal = make_deal(rep)
    when = timezone.now() - dt.timedelta(hours=1)
    assert services.note_touch(company_id=company.pk, occurred_at=when.isoformat()) == 1
    deal.refresh_from_db()
    assert deal.last_touch_at == when
    assert (
        services.note_touch(company_id=company.pk, occurred_at=when - dt.timedelta(days=1)) == 0
    )  # older: ignored


def test_touch_logged_event_updates_the_deal(rep, make_deal):
    from daifuku.core import events

    deal = make_deal(rep)
    when = timezone.now()
    events.emit(
        "touch.logged",
        touch_id=1,
        person_id=None,
        company_id=None,
        subject_type="sales.deal",
        subject_id=deal.pk,
        occurred_at=when,
        rep_id=rep.pk,
        kind="visit",
    )
    deal.refresh_from_db()
    assert deal.last_touch_at == when


def test_targets_are_set_by_managers(manager, rep, teams):
    target = services.set_target(
        actor=manager, metric="revenue", period="2026-Q1", value=3_000_000, user=rep
    )
    assert (target.starts_on, target.ends_on) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    again = services.set_target(
        actor=manager, metric="revenue", period="2026-Q1", value=4_000_000, user=rep
    )
    assert again.pk == target.pk and again.value == 4_000_000
    with pytest.raises(PermissionDenied):
        services.set_target(actor=rep, metric="revenue", period="2026-05", value=1, user=rep)
    with pytest.raises(ValidationFailed) as exc:
        services.set_target(
            actor=manager, metric="revenue", period="2026-5", value=1, team=teams["tokyo"]
        )
    assert "period" in exc.value.errors


def test_fiscal_year_start_is_configurable(manager, rep):
    services.update_sales_settings(actor=manager, data={"fiscal_year_start_month": 1})
    target = services.set_target(
        actor=manager, metric="deals_won", period="FY2026", value=10, user=rep
    )
    assert (target.starts_on, target.ends_on) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValidationFailed):
        services.update_sales_settings(actor=manager, data={"fiscal_year_start_month": 13})
    with pytest.raises(PermissionDenied):
        services.update_sales_settings(actor=rep, data={"stall_days": 3})


def test_stage_probability_change_reweights_open_deals(admin, rep, make_deal, stages):
    deal = make_deal(rep)
    manual = make_deal(rep, probability=33)
    services.update_stage(actor=admin, stage=stages["見込み"], data={"probability": 20})
    deal.refresh_from_db()
    manual.refresh_from_db()
    assert (deal.probability, manual.probability) == (20, 33)


def test_demo_hook_fills_board_forecast_and_targets(
    admin, manager, rep, teammate, make_user, teams
):
    from daifuku.core import demo
    from daifuku.customers.services import create_company
    from daifuku.sales.demo import add_demo_deals
    from daifuku.sales.models import Pipeline, Quote, Target

    companies = [create_company(actor="test", data={"name": f"デモ商事{i}"}).pk for i in range(12)]
    users = {
        "admin": admin,
        "manager": manager,
        "rep1": rep,
        "rep2": make_user("rep2", "rep", teams["osaka"]),
    }
    summary = add_demo_deals(demo.DemoContext(users=users, company_ids=companies))
    assert summary.startswith("12 deals")
    assert Pipeline.objects.count() == 2
    assert (
        Deal.objects.filter(status="won").count() == 3
        and Deal.objects.filter(status="lost").exists()
    )
    assert Quote.objects.count() == 1 and Target.objects.count() == 4
