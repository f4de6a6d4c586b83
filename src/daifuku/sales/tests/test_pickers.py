"""The pickers of the deal pages find what is typed: the company search of the new-deal
form and the person search that adds someone to a deal (by name, not by an internal id)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from daifuku.sales.models import DealContact

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _search_request(html: str, input_id: str) -> tuple[str, str, dict]:
    """What htmx sends when someone types in the search box ``input_id``: its URL, the
    name the typed text goes under, and its fixed extra values."""
    tag = re.search(rf'<input id="{input_id}"[^>]*>', html, re.S).group(0)
    url = re.search(r'hx-get="([^"]+)"', tag).group(1)
    name = re.search(r'name="([^"]+)"', tag).group(1)
    extra = re.search(r"hx-vals='([^']+)'", tag)
    import json

    return url, name, json.loads(extra.group(1)) if extra else {}


def test_new_deal_company_search_uses_what_is_typed(rep):
    from daifuku.customers.services import create_company

    create_company(actor=rep, data={"name": "株式会社山田製作所"})
    create_company(actor=rep, data={"name": "鈴木物産株式会社"})
    client = client_for(rep)
    url, name, extra = _search_request(
        client.get(reverse("sales:deal-create")).content.decode(), "company-search"
    )
    options = client.get(url, {name: "鈴木", **extra}, HTTP_HX_REQUEST="true").content.decode()
    picked = re.search(r'<ul id="company-options".*?</ul>', options, re.S).group(0)
    assert "鈴木物産" in picked and "山田製作所" not in picked


def test_person_search_finds_people_by_name(rep, other_rep, make_deal):
    from daifuku.customers.services import create_person

    mine = create_person(
        actor=rep, data={"family_name": "佐藤", "given_name": "健", "family_kana": "サトウ"}
    )
    create_person(actor=rep, data={"family_name": "高橋", "given_name": "誠"})
    osaka = create_person(actor=other_rep, data={"family_name": "佐藤", "given_name": "大阪"})
    deal = make_deal(rep)
    client = client_for(rep)
    page = client.get(reverse("sales:deal", args=[deal.pk])).content.decode()
    assert "Person id" not in page and 'type="number" name="person"' not in page
    url, name, extra = _search_request(page, "contact-person-search")
    options = client.get(url, {name: "佐藤", **extra}, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-pick-person="{mine.pk}"' in options and 'data-target="contact-person"' in options
    assert f'data-pick-person="{osaka.pk}"' in options  # everyone reads the whole ledger
    assert "高橋" not in options
    assert (
        "該当する人がいません"
        in client.get(url, {name: "存在しない名前", **extra}).content.decode()
    )
    response = client.post(
        reverse("sales:contact-add", args=[deal.pk]),
        {"q": "佐藤 健", "person": mine.pk, "role": "決裁者"},
    )
    assert response.status_code == 302
    assert list(DealContact.objects.filter(deal=deal).values_list("person_id", "role")) == [
        (mine.pk, "決裁者")
    ]


def test_adding_a_person_without_picking_one_says_so(rep, make_deal):
    deal = make_deal(rep)
    client = client_for(rep)
    client.post(
        reverse("sales:contact-add", args=[deal.pk]), {"q": "佐藤", "person": "", "role": ""}
    )
    page = client.get(reverse("sales:deal", args=[deal.pk])).content.decode()
    assert "検索結果から人を選んでください" in page and not DealContact.objects.exists()
