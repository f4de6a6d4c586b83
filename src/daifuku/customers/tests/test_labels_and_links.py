"""The list pages' shortcuts: choice labels from a table per field and language, record
links from a reversed template — each must say exactly what Django's own way says."""

import pytest
from django.urls import reverse
from django.utils import translation

from daifuku.core.links import id_url
from daifuku.customers.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ja", "en"])
def test_choice_labels_follow_the_active_language(language):
    person = Person(lifecycle="repeat", relationship_stage="collaborative")
    with translation.override(language):
        field = Person._meta.get_field("lifecycle")
        expected = str(dict(field.flatchoices)["repeat"])
        assert person.get_lifecycle_display() == expected
        assert person.get_relationship_stage_display() == str(
            dict(Person._meta.get_field("relationship_stage").flatchoices)["collaborative"]
        )


def test_labels_are_translated_not_cached_across_languages():
    with translation.override("ja"):
        assert Person(lifecycle="repeat").get_lifecycle_display() == "リピーター"
    with translation.override("en"):
        assert Person(lifecycle="repeat").get_lifecycle_display() == "Repeat customer"
    with translation.override("ja"):
        assert Person(lifecycle="repeat").get_lifecycle_display() == "リピーター"


def test_a_value_outside_the_choices_shows_as_itself():
    assert Person(lifecycle="legacy-value").get_lifecycle_display() == "legacy-value"
    assert Person(lifecycle="").get_lifecycle_display() == ""


@pytest.mark.parametrize("pk", [1, 42, 987654321])
def test_id_url_is_reverse(pk):
    assert id_url("customers:person", pk) == reverse("customers:person", args=[pk])
    assert Person(pk=pk).get_absolute_url() == reverse("customers:person", args=[pk])
