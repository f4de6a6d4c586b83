"""A custom field's key is made from its label (romaji of kana and Latin letters; a
stable ``field_<n>`` for kanji, which need a dictionary) unless the administrator types
one; the form shows the key it will use before saving."""

import pytest
from django.urls import reverse

from daifuku.customers.custom_fields import suggest_key
from daifuku.customers.models import CustomFieldDefinition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("label", "taken", "key"),
    [
        ("きっかけ", [], "kikkake"),
        ("ラーメンの好み", [], "field_1"),  # kanji: no romaji without a dictionary
        ("好きな色", ["kikkake"], "field_2"),
        ("好きな色", ["kikkake", "field_2"], "field_3"),
        ("LINE ID", [], "line_id"),
        ("ＬＩＮＥ ＩＤ", ["line_id"], "line_id_2"),
        ("コーヒー", [], "kohi"),
        ("2024年", [], "field_1"),
        ("123", [], "field_123"),
        ("", [], "field_1"),
    ],
)
def test_suggest_key(label, taken, key):
    assert suggest_key(label, taken) == key


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_the_form_saves_the_key_made_from_the_label(manager_client):
    url = reverse("customers:custom-fields")
    response = manager_client.post(
        url, {"target": "person", "label": "きっかけ", "key": "", "field_type": "text"}
    )
    assert response.status_code == 302, response.context["form"].errors
    response = manager_client.post(
        url, {"target": "person", "label": "好きな色", "key": "", "field_type": "text"}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(CustomFieldDefinition.objects.order_by("id").values_list("label", "key")) == [
        ("きっかけ", "kikkake"),
        ("好きな色", "field_2"),
    ]


def test_the_administrator_may_type_another_key_and_a_bad_one_is_explained(manager_client):
    url = reverse("customers:custom-fields")
    response = manager_client.post(
        url,
        {"target": "person", "label": "好きな色", "key": "favourite_colour", "field_type": "text"},
    )
    assert response.status_code == 302
    assert CustomFieldDefinition.objects.get().key == "favourite_colour"
    response = manager_client.post(
        url, {"target": "person", "label": "色", "key": "色", "field_type": "text"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["key"]


def test_the_form_shows_the_key_it_will_use(manager_client):
    page = manager_client.get(reverse("customers:custom-fields")).content.decode()
    assert 'hx-get="/customers/custom-fields/key/"' in page or "custom-fields/key/" in page
    field = manager_client.get(
        reverse("customers:custom-field-key"), {"label": "きっかけ", "target": "person", "key": ""}
    ).content.decode()
    assert 'placeholder="kikkake"' in field and 'id="id_key"' in field and 'name="key"' in field
    typed = manager_client.get(
        reverse("customers:custom-field-key"),
        {"label": "きっかけ", "target": "person", "key": "mine"},
    ).content.decode()
    assert 'value="mine"' in typed


def test_the_api_makes_the_key_too(admin_api):
    response = admin_api.post(
        "/api/v1/custom-fields", {"target": "person", "label": "きっかけ", "field_type": "text"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["key"] == "kikkake"


def test_reps_cannot_ask_for_keys(client, rep):
    client.force_login(rep)
    assert client.get(reverse("customers:custom-field-key"), {"label": "x"}).status_code == 404
