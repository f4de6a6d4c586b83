"""A postal code fills the empty parts of an address — a person's and a company's, in the
form and the API alike — and never guesses: a code shared by two prefectures (498-0000:
愛知県弥富市 and 三重県桑名郡木曽岬町) leaves the address to the user, and the look-up lists
every area."""

import pytest
from django.urls import reverse

from daifuku.customers.models import Company, Person
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db

SHARED = "498-0000"  # 愛知県 and 三重県


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


@pytest.mark.parametrize("path", ["/api/v1/people", "/api/v1/companies"])
def test_the_api_fills_the_address_from_a_code_of_one_town(rep_api, path):
    name = {"family_name": "山田"} if "people" in path else {"name": "山田商事株式会社"}
    response = rep_api.post(path, {**name, "postal_code": "100-0001"})
    assert response.status_code == 201, response.content
    body = response.json()
    model = Person if "people" in path else Company
    saved = model.objects.get(pk=body["id"])
    assert (saved.postal_code, saved.prefecture, saved.city, saved.address_line) == (
        "1000001",
        "東京都",
        "千代田区",
        "千代田",
    )


@pytest.mark.parametrize("path", ["/api/v1/people", "/api/v1/companies"])
def test_the_api_never_guesses_the_prefecture_of_a_shared_code(rep_api, path):
    name = {"family_name": "山田"} if "people" in path else {"name": "山田商事株式会社"}
    response = rep_api.post(path, {**name, "postal_code": SHARED})
    assert response.status_code == 201, response.content
    model = Person if "people" in path else Company
    saved = model.objects.get(pk=response.json()["id"])
    assert (saved.postal_code, saved.prefecture, saved.city, saved.address_line) == (
        "4980000",
        "",
        "",
        "",
    )


def test_what_the_user_typed_is_kept_and_an_edit_fills_only_what_is_empty(rep):
    person = factories.person(rep, postal_code=SHARED, prefecture="三重県", city="桑名郡木曽岬町")
    assert (person.prefecture, person.city) == ("三重県", "桑名郡木曽岬町")
    company = factories.company(rep, name="山田商事株式会社")
    from daifuku.customers import services

    company = services.update_company(actor=rep, company=company, data={"postal_code": "1000001"})
    assert (company.prefecture, company.city, company.address_line) == (
        "東京都",
        "千代田区",
        "千代田",
    )
    company = services.update_company(actor=rep, company=company, data={"postal_code": "060-0000"})
    assert (company.prefecture, company.city) == (
        "東京都",
        "千代田区",
    )  # typed (or filled) before: kept


def test_the_company_form_fills_the_address(rep_client):
    response = rep_client.post(
        reverse("customers:company-create"), {"name": "山田商事株式会社", "postal_code": "1000001"}
    )
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    company = Company.objects.get()
    assert (company.prefecture, company.city, company.address_line) == (
        "東京都",
        "千代田区",
        "千代田",
    )


def test_the_lookup_lists_every_area_of_a_shared_code(rep_api, rep_client):
    areas = rep_api.get("/api/v1/postal-codes/4980000").json()
    assert [(a["prefecture"], a["city"]) for a in areas] == [
        ("愛知県", "弥富市"),
        ("三重県", "桑名郡木曽岬町"),
    ]
    page = rep_client.get(
        reverse("customers:postal-lookup"), {"postal_code": SHARED}, HTTP_HX_REQUEST="true"
    )
    body = page.content.decode()
    assert (
        "愛知県弥富市" in body and "三重県桑名郡木曽岬町" in body and "data-postal-one" not in body
    )


def test_the_company_form_asks_for_the_lookup_like_the_person_form(rep_client):
    body = rep_client.get(reverse("customers:company-create")).content.decode()
    assert 'id="postal-choices"' in body and "change from:#id_postal_code" in body
