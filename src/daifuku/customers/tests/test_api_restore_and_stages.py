"""``POST /api/v1/companies/{id}/restore`` (as people's) and ``GET /api/v1/people/{id}/
stage-history``: who may use them and what they answer."""

import pytest

from daifuku.customers import services
from daifuku.customers.models import Company
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db


def test_a_company_moved_to_the_trash_comes_back(rep_api, rep):
    company = factories.company(rep, name="山田商事株式会社", kana="ヤマダショウジ")
    assert rep_api.delete(f"/api/v1/companies/{company.pk}").status_code == 204
    assert rep_api.get(f"/api/v1/companies/{company.pk}").status_code == 404
    response = rep_api.post(f"/api/v1/companies/{company.pk}/restore")
    assert response.status_code == 200, response.content
    assert (
        response.json()["id"] == company.pk
        and response.json()["display_name"] == "山田商事株式会社"
    )
    assert Company.objects.filter(pk=company.pk).exists()
    hits = rep_api.get("/api/v1/customers", {"search": "山田商事"}).json()["items"]
    assert [(h["type"], h["id"]) for h in hits] == [("company", company.pk)]


def test_restore_is_404_for_a_company_not_in_the_trash_or_out_of_scope(
    rep_api, rep, other_rep, manager
):
    live = factories.company(rep)
    assert rep_api.post(f"/api/v1/companies/{live.pk}/restore").status_code == 404
    theirs = factories.company(other_rep, name="大阪商事")
    services.delete_company(actor=manager, company=theirs)
    assert rep_api.post(f"/api/v1/companies/{theirs.pk}/restore").status_code == 404
    assert not Company.objects.filter(pk=theirs.pk).exists()  # still in the trash
    assert rep_api.post("/api/v1/companies/999999/restore").status_code == 404


def test_a_manager_restores_any_company(rep, other_rep, manager, api_client):
    ApiClient = api_client  # the root conftest's client (a module import of "conftest" is ambiguous under xdist)
    theirs = factories.company(other_rep, name="大阪商事")
    services.delete_company(actor=other_rep, company=theirs)
    assert ApiClient(manager).post(f"/api/v1/companies/{theirs.pk}/restore").status_code == 200


def test_the_stage_history_lists_each_stage_reached(rep_api, rep):
    person = factories.person(rep)
    services.update_person(actor=rep, person=person, data={"relationship_stage": "basic"})
    services.update_person(actor=rep, person=person, data={"relationship_stage": "collaborative"})
    response = rep_api.get(f"/api/v1/people/{person.pk}/stage-history")
    assert response.status_code == 200, response.content
    history = response.json()
    assert [h["stage"] for h in history] == ["exploratory", "basic", "collaborative"]
    assert all(h["reached_on"] and h["recorded_at"] for h in history)
    assert history[-1]["changed_by"] == str(rep)


def test_the_stage_history_is_read_as_the_person_is(rep_api, rep, other_rep):
    """Everyone may read the ledger (docs/permissions.md), a trashed person nobody."""
    theirs = factories.person(other_rep, family_name="大阪")
    assert rep_api.get(f"/api/v1/people/{theirs.pk}/stage-history").status_code == 200
    services.delete_person(actor=other_rep, person=theirs)
    assert rep_api.get(f"/api/v1/people/{theirs.pk}/stage-history").status_code == 404
    assert rep_api.get("/api/v1/people/999999/stage-history").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/companies/{company}/restore"),
        ("get", "/api/v1/people/{person}/stage-history"),
    ],
)
def test_both_need_authentication(client, rep, method, path):
    url = path.format(person=factories.person(rep).pk, company=factories.company(rep).pk)
    assert getattr(client, method)(url).status_code == 401
