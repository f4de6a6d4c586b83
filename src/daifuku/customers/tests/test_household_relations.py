"""Household relations are stored as stable codes but taken as people write them: the
Japanese label (子), a common word (長男, 妻, 父) or the code — in the API and the form; a
wrong one is refused with the accepted values in Japanese."""

import pytest

from daifuku.customers.models import HouseholdMember
from daifuku.customers.models.people import HouseholdRelation
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("子", "child"),
        ("長男", "child"),
        ("長女", "child"),
        ("娘", "child"),
        ("child", "child"),
        ("Child", "child"),
        ("配偶者", "spouse"),
        ("妻", "spouse"),
        ("夫", "spouse"),
        ("ご主人", "spouse"),
        ("親", "parent"),
        ("父", "parent"),
        ("母親", "parent"),
        ("兄弟姉妹", "sibling"),
        ("兄", "sibling"),
        ("妹", "sibling"),
        ("祖父母", "grandparent"),
        ("祖母", "grandparent"),
        ("孫", "grandchild"),
        ("その他", "other"),
        (" 長 男 ", "child"),
        ("ｵｸｻﾝ", None),
        ("", None),
        ("いとこ", None),
        (None, None),
    ],
)
def test_parse(written, code):
    assert HouseholdRelation.parse(written) == code


@pytest.mark.parametrize(
    ("written", "code"),
    [("子", "child"), ("長男", "child"), ("妻", "spouse"), ("spouse", "spouse")],
)
def test_the_api_takes_japanese_and_answers_the_code(rep_api, rep, written, code):
    person = factories.person(rep)
    response = rep_api.post(
        f"/api/v1/people/{person.pk}/household", {"name": "山田 一郎", "relation": written}
    )
    assert response.status_code == 201, response.content
    assert response.json()["relation"] == code
    assert HouseholdMember.objects.get().relation == code


def test_the_api_refuses_an_unknown_relation_listing_the_accepted_ones_in_japanese(rep_api, rep):
    person = factories.person(rep)
    response = rep_api.post(
        f"/api/v1/people/{person.pk}/household",
        {"name": "山田 一郎", "relation": "いとこ"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 422, response.content
    message = response.json()["errors"]["relation"][0]
    assert message == "次のいずれかを選んでください: 配偶者、子、親、兄弟姉妹、祖父母、孫、その他"
    member = factories.person(rep, family_name="別人")
    assert not HouseholdMember.objects.exists() and member.pk


def test_the_api_updates_with_a_japanese_word(rep_api, rep):
    from daifuku.customers import services

    person = factories.person(rep)
    member = services.add_household_member(
        actor=rep, person=person, data={"name": "山田 一郎", "relation": "child"}
    )
    response = rep_api.patch(f"/api/v1/household/{member.pk}", {"relation": "夫"})
    assert response.status_code == 200, response.content
    assert response.json()["relation"] == "spouse"


def test_the_form_takes_a_japanese_word_and_explains_a_wrong_one():
    from daifuku.customers.forms import HouseholdForm

    form = HouseholdForm(data={"name": "山田 一郎", "relation": "長女"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["relation"] == "child"
    form = HouseholdForm(data={"name": "山田 一郎", "relation": "いとこ"})
    assert not form.is_valid()
    assert form.errors["relation"] == [
        "次のいずれかを選んでください: 配偶者、子、親、兄弟姉妹、祖父母、孫、その他"
    ]
