"""Closing deals: a lost deal names one of the organisation's lost reasons (required, stable
error code, field error on the page), the funnel counts them, managers edit the list, and
winning or losing records the real close date."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from daifuku.core.errors import ValidationFailed
from daifuku.core.models import AuditEntry
from daifuku.sales import services
from daifuku.sales.models import Deal, LostReason, StageChange

pytestmark = pytest.mark.django_db


def reason(name):
    return LostReason.objects.get(name=name)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_defaults_are_the_usual_japanese_reasons():
    assert list(LostReason.objects.filter(is_active=True).values_list("name", flat=True)) == [
        "価格",
        "競合に敗退",
        "予算なし",
        "時期尚早",
        "連絡途絶",
        "その他",
    ]


@pytest.mark.django_db(transaction=True)
def test_losing_needs_a_reason_and_records_it(rep, make_deal, stages, captured):
    deal = make_deal(rep)
    with pytest.raises(ValidationFailed) as exc:
        services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["失注"], reason="メモだけ")
    assert exc.value.code == "lost_reason_required" and "lost_reason" in exc.value.errors
    deal.refresh_from_db()
    assert (
        deal.status == "open" and StageChange.objects.filter(deal=deal).count() == 1
    )  # nothing saved
    with pytest.raises(ValidationFailed) as exc:
        services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["失注"], lost_reason=999999)
    assert exc.value.code == "unknown_lost_reason"

    lost = services.move_deal_to_stage(
        actor=rep,
        deal=deal,
        stage=stages["失注"],
        lost_reason=reason("競合に敗退").pk,
        reason="A社が2割安い",
    )
    assert (lost.status, lost.lost_reason.name, lost.close_reason) == (
        "lost",
        "競合に敗退",
        "A社が2割安い",
    )
    assert (
        lost.closed_at is not None and lost.expected_close == timezone.localdate()
    )  # the real close date
    change = StageChange.objects.filter(deal=deal).order_by("-id").first()
    assert (change.lost_reason.name, change.reason) == ("競合に敗退", "A社が2割安い")
    payload = next(p for name, p in captured if name == "deal.lost")
    assert (payload["lost_reason"], payload["reason"]) == ("競合に敗退", "A社が2割安い")


def test_moving_a_lost_deal_again_with_a_reason_records_the_reason(rep, make_deal, stages):
    deal = services.move_deal_to_stage(
        actor=rep, deal=make_deal(rep), stage=stages["失注"], lost_reason=reason("価格")
    )
    again = services.move_deal_to_stage(
        actor=rep,
        deal=deal,
        stage=stages["失注"],
        lost_reason=reason("予算なし"),
        reason="来期に再提案",
    )
    assert (again.lost_reason.name, again.close_reason) == ("予算なし", "来期に再提案")
    assert (
        StageChange.objects.filter(deal=deal).order_by("-id").first().lost_reason.name == "予算なし"
    )
    assert AuditEntry.objects.filter(
        object_type="sales.deal", object_id=deal.pk, action="update"
    ).exists()


def test_winning_records_the_real_close_date(rep, make_deal, stages):
    deal = make_deal(rep, expected_close=dt.date(2026, 5, 20))
    won = services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["受注"])
    assert (
        won.expected_close == timezone.localdate() and won.closed_at.date() <= timezone.now().date()
    )
    assert won.lost_reason is None
    reopened = services.move_deal_to_stage(actor=rep, deal=won, stage=stages["交渉"])
    assert (reopened.closed_at, reopened.lost_reason) == (None, None)


def test_deal_page_shows_a_field_error_without_a_reason(rep, make_deal, stages):
    deal = make_deal(rep)
    client = client_for(rep)
    page = client.get(reverse("sales:deal", args=[deal.pk])).content.decode()
    assert (
        '<select id="lost-reason" name="lost_reason" required>' in page
        and ">競合に敗退</option>" in page
    )
    response = client.post(
        reverse("sales:deal-move", args=[deal.pk]), {"stage": stages["失注"].pk, "reason": "メモ"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="lost-reason-error"' in html and "失注の理由を選んでください" in html
    assert 'value="メモ"' in html  # what was typed is kept
    assert Deal.objects.get(pk=deal.pk).status == "open"
    response = client.post(
        reverse("sales:deal-move", args=[deal.pk]),
        {"stage": stages["失注"].pk, "lost_reason": reason("時期尚早").pk},
    )
    assert response.status_code == 302
    page = client.get(reverse("sales:deal", args=[deal.pk])).content.decode()
    assert 'id="deal-lost-reason">時期尚早<' in page and 'id="deal-closed-on"' in page


def test_board_move_to_lost_without_reason_shows_the_error_in_the_board(
    rep, make_deal, stages, pipeline
):
    deal = make_deal(rep)
    response = client_for(rep).post(
        reverse("sales:deal-move", args=[deal.pk]),
        {"stage": stages["失注"].pk, "from": "board"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "失注の理由を選んでください" in html
        and 'id="lost-dialog"' in html
    )
    assert Deal.objects.get(pk=deal.pk).status == "open"


def test_api_move_needs_a_lost_reason(rep, make_deal, stages, api_client):
    ApiClient = api_client  # the root conftest's client (a module import of "conftest" is ambiguous under xdist)
    api = ApiClient(rep)
    deal = make_deal(rep)
    reasons = api.get("/api/v1/lost-reasons").json()["items"]
    assert [r["name"] for r in reasons][:2] == ["価格", "競合に敗退"]
    refused = api.post(f"/api/v1/deals/{deal.pk}/move", {"stage_id": stages["失注"].pk})
    assert refused.status_code == 422 and refused.json()["code"] == "lost_reason_required"
    assert "lost_reason" in refused.json()["errors"]
    moved = api.post(
        f"/api/v1/deals/{deal.pk}/move",
        {"stage_id": stages["失注"].pk, "lost_reason_id": reasons[0]["id"]},
    )
    assert moved.status_code == 200 and moved.json()["lost_reason_id"] == reasons[0]["id"]


def test_funnel_counts_deals_per_lost_reason(manager, rep, make_deal, stages, pipeline):
    for name in ("価格", "価格", "連絡途絶"):
        services.move_deal_to_stage(
            actor=rep, deal=make_deal(rep), stage=stages["失注"], lost_reason=reason(name)
        )
    period = f"FY{timezone.localdate().year if timezone.localdate().month >= 4 else timezone.localdate().year - 1}"
    html = (
        client_for(manager)
        .get(reverse("sales:funnel"), {"pipeline": pipeline.pk, "period": period})
        .content.decode()
    )
    table = html[html.index('id="lost-reasons-table"') :]
    assert table.index("<td>価格</td><td>2</td>") < table.index("<td>連絡途絶</td><td>1</td>")


def test_managers_edit_the_list_and_reps_cannot(manager, rep, make_deal):
    client = client_for(manager)
    assert (
        client.post(reverse("sales:lost-reason-create"), {"name": "製品機能の不足"}).status_code
        == 302
    )
    added = reason("製品機能の不足")
    other = reason("その他")
    client.post(
        reverse("sales:lost-reason-update", args=[other.pk]),
        {"name": "その他の理由", "position": other.position},
    )
    assert LostReason.objects.get(pk=other.pk).is_active is False  # unchecked: no longer offered
    assert LostReason.objects.get(pk=other.pk).name == "その他の理由"
    assert (
        client_for(rep).post(reverse("sales:lost-reason-create"), {"name": "x"}).status_code == 403
    )
    page = client_for(rep).get(reverse("sales:deal", args=[make_deal(rep).pk])).content.decode()
    assert ">製品機能の不足</option>" in page and ">その他の理由</option>" not in page
    setup = client.get(reverse("sales:setup")).content.decode()
    assert f'id="lr-name-{added.pk}"' in setup and "その他の理由" in setup
    client.post(reverse("sales:lost-reason-create"), {"name": "価格"})
    assert LostReason.objects.filter(name="価格").count() == 1  # a duplicate is refused
