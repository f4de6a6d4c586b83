"""The customers screens read tags, custom field definitions and the 名寄せ scan's state
through customers.selectors.reference."""

import pytest
from django.urls import reverse

from daifuku.core import jobs
from daifuku.customers import services
from daifuku.customers.models import CustomFieldDefinition, Tag

pytestmark = pytest.mark.django_db


def test_tags_are_listed_and_deleted_by_managers(client, rep, manager):
    services.create_tag(actor=rep, name="VIP")
    tag = Tag.objects.get()
    client.force_login(rep)
    assert "VIP" in client.get(reverse("customers:tags")).content.decode()
    assert (
        client.post(reverse("customers:tag-delete", args=[tag.pk])).status_code == 404
    )  # not for reps
    client.force_login(manager)
    assert client.post(reverse("customers:tag-delete", args=[999999])).status_code == 404
    assert client.post(reverse("customers:tag-delete", args=[tag.pk])).status_code == 302
    assert not Tag.objects.exists()


def test_custom_fields_are_listed_and_switched_off(client, manager):
    definition = services.define_custom_field(
        actor=manager,
        data={"target": "person", "key": "rank", "label": "ランク", "field_type": "text"},
    )
    client.force_login(manager)
    assert "ランク" in client.get(reverse("customers:custom-fields")).content.decode()
    assert client.post(reverse("customers:custom-field-toggle", args=[999999])).status_code == 404
    assert (
        client.post(reverse("customers:custom-field-toggle", args=[definition.pk])).status_code
        == 302
    )
    assert CustomFieldDefinition.objects.get().is_active is False


def test_the_review_queue_shows_the_latest_scan(client, rep):
    client.force_login(rep)
    assert 'id="scan-status"' not in client.get(reverse("customers:dedup")).content.decode()
    jobs.start_job(kind="dedup_scan", parameters={"entity_type": "person"})
    latest = jobs.start_job(kind="dedup_scan", parameters={"entity_type": "company"})
    jobs.start_job(kind="import_undo")  # another kind of job is not the scan
    jobs.mark_running(latest, message="会社を照合中")
    html = client.get(reverse("customers:dedup")).content.decode()
    assert 'id="scan-status"' in html and "会社を照合中" in html
