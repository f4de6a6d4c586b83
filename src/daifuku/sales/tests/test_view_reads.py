"""What the sales screens read through the selectors: a stage only of the deal's own
pipeline, saved views and targets only within the user's scope, and the customers chosen
in a deal form."""

import pytest
from django.test import Client
from django.urls import reverse

from daifuku.sales import services
from daifuku.sales.models import Deal, SavedView, Target

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _other_pipeline():
    return services.create_pipeline(
        actor="test",
        name="保守契約",
        stages=[
            {"name": "更新提案", "probability": 50},
            {"name": "更新", "kind": "won"},
            {"name": "解約", "kind": "lost"},
        ],
    )


def test_a_deal_moves_only_to_a_stage_of_its_pipeline(rep, make_deal, stages):
    deal = make_deal(rep)
    other = _other_pipeline()
    client = client_for(rep)
    for stage in (
        other.stages.first().pk,
        "abc",
        "",
    ):  # another pipeline's stage, a malformed id, none
        response = client.post(
            reverse("sales:deal-move", args=[deal.pk]),
            {"stage": stage, "from": "board"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and 'role="alert"' in response.content.decode(), stage
    assert Deal.objects.get(pk=deal.pk).stage_id == deal.stage_id
    response = client.post(reverse("sales:deal-move", args=[deal.pk]), {"stage": stages["交渉"].pk})
    assert response.status_code == 302 and Deal.objects.get(pk=deal.pk).stage == stages["交渉"]


def test_more_cards_of_a_column_only_for_a_stage_of_that_board(rep, pipeline, stages):
    other = _other_pipeline()
    client = client_for(rep)
    assert (
        client.get(reverse("sales:board-column", args=[pipeline.pk, stages["提案"].pk])).status_code
        == 200
    )
    assert (
        client.get(
            reverse("sales:board-column", args=[pipeline.pk, other.stages.first().pk])
        ).status_code
        == 404
    )


def test_saved_views_are_the_users_own(rep, other_rep):
    mine = services.save_view(actor=rep, name="大型", query="sort=-amount")
    theirs = services.save_view(actor=other_rep, name="大阪の案件", query="team=2")
    html = client_for(rep).get(reverse("sales:deals")).content.decode()
    assert "大型" in html and "大阪の案件" not in html
    assert client_for(rep).post(reverse("sales:view-delete", args=[theirs.pk])).status_code == 404
    assert client_for(rep).post(reverse("sales:view-delete", args=[mine.pk])).status_code == 302
    assert list(SavedView.objects.values_list("name", flat=True)) == ["大阪の案件"]


def test_targets_are_deleted_by_managers_only(rep, manager, other_rep):
    target = services.set_target(
        actor=manager, metric="revenue", period="2026-05", value=1_000_000, user=rep
    )
    osaka = services.set_target(
        actor=manager, metric="revenue", period="2026-05", value=2_000_000, user=other_rep
    )
    page = client_for(rep).get(reverse("sales:targets")).content.decode()
    assert (
        "¥1,000,000" in page and "¥2,000,000" not in page
    )  # a rep sees their own and their team's
    assert client_for(rep).post(reverse("sales:target-delete", args=[target.pk])).status_code == 404
    assert (
        client_for(manager).post(reverse("sales:target-delete", args=[osaka.pk])).status_code == 302
    )
    assert list(Target.objects.values_list("pk", flat=True)) == [target.pk]


def test_setup_of_an_unknown_pipeline_or_stage_is_a_404(manager, pipeline):
    client = client_for(manager)
    assert (
        client.post(
            reverse("sales:stage-create", args=[999999]), {"name": "x", "probability": 5}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("sales:stage-update", args=[999999]), {"name": "x", "probability": 5}
        ).status_code
        == 404
    )
    response = client.post(
        reverse("sales:stage-create", args=[pipeline.pk]), {"name": "見積", "probability": 30}
    )
    assert response.status_code == 302 and pipeline.stages.filter(name="見積").exists()


def test_the_deal_form_names_the_chosen_customers(rep, make_deal, company, person):
    deal = make_deal(rep, person_id=person.pk)
    html = client_for(rep).get(reverse("sales:deal-edit", args=[deal.pk])).content.decode()
    assert company.display_name in html and person.display_name in html
    html = (
        client_for(rep)
        .get(reverse("sales:deal-create"), {"company": 999999, "person": "x"})
        .content.decode()
    )
    assert 'id="company-search" type="search" name="q" autocomplete="off" value=""' in html
