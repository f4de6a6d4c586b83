"""The import and 名寄せ screens: the journeys, permissions (404 / login redirect) and query budgets."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from daifuku.customers import services as customer_services
from daifuku.customers.models import DuplicateGroup, MergeJournal, Person

FIXTURES = Path(__file__).parent / "fixtures"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_map_run_and_see_the_result(
    rep, other_rep, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = login(rep)
    assert client.get(reverse("imports:home")).status_code == 200
    with open(FIXTURES / "cp932_customers.csv", "rb") as handle:
        response = client.post(reverse("imports:upload"), {"file": handle})
    run_url = response["Location"]
    page = client.get(run_url).content.decode()
    assert "髙橋 一郎" in page and 'value="full_name" selected' in page
    assert "Shift_JIS (CP932)" in page
    pk = int(run_url.rstrip("/").split("/")[-1])
    form = {
        f"map_{i}": field
        for i, field in enumerate(
            [
                "full_name",
                "full_kana",
                "postal_code",
                "address",
                "phone",
                "email",
                "company_name",
                "birthday",
                "notes",
            ]
        )
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            run_url, {**form, "mode": "upsert", "match_key": "email", "save_as": "顧客台帳CSV"}
        )
    assert response.status_code == 302
    with django_assert_max_num_queries(10):
        progress = client.get(
            reverse("imports:progress", args=[pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
    assert "3" in progress and 'id="import-summary"' in progress
    assert Person.objects.count() == 3
    assert client.get(reverse("imports:failed", args=[pk])).status_code == 200
    other = login(other_rep)
    for name in ("imports:run", "imports:progress", "imports:failed"):
        assert other.get(reverse(name, args=[pk])).status_code == 404
    assert other.post(reverse("imports:undo", args=[pk])).status_code == 404
    assert Client().get(reverse("imports:run", args=[pk])).status_code == 302


def test_export_download_is_streamed(rep):
    customer_services.create_person(actor=rep, data={"family_name": "佐藤", "given_name": "花子"})
    response = login(rep).get(reverse("imports:export"), {"format": "csv_cp932"})
    assert response.status_code == 200
    assert "佐藤" in b"".join(response.streaming_content).decode("cp932")
    assert Client().get(reverse("imports:export")).status_code == 302


def _pair(rep):
    data = {
        "family_name": "田中",
        "given_name": "太郎",
        "family_kana": "タナカ",
        "given_kana": "タロウ",
        "emails": ["tanaka@example.jp"],
    }
    a = customer_services.create_person(actor=rep, data=data)
    b = customer_services.create_person(
        actor=rep, data={**data, "family_kana": "たなか", "notes": "EC"}
    )
    return a, b


def test_review_compare_merge_and_undo(rep, other_rep, django_assert_max_num_queries):
    a, b = _pair(rep)
    call_command("dedup", "scan")
    group = DuplicateGroup.objects.get()
    client = login(rep)
    with django_assert_max_num_queries(12):
        queue = client.get(reverse("customers:dedup")).content.decode()
    assert "田中 太郎" in queue
    with django_assert_max_num_queries(12):
        compare = client.get(reverse("customers:dedup-group", args=[group.pk])).content.decode()
    assert 'name="survivor"' in compare
    other = login(other_rep)
    assert other.get(reverse("customers:dedup-group", args=[group.pk])).status_code == 404
    assert (
        other.post(
            reverse("customers:dedup-merge", args=[group.pk]), {"survivor": a.pk}
        ).status_code
        == 404
    )
    assert Client().get(reverse("customers:dedup")).status_code == 302
    response = client.post(
        reverse("customers:dedup-merge", args=[group.pk]), {"survivor": a.pk, "field_notes": b.pk}
    )
    journal = MergeJournal.objects.get()
    assert response["Location"] == reverse("customers:dedup-merged", args=[journal.pk])
    a.refresh_from_db()
    assert a.notes == "EC" and not Person.objects.filter(pk=b.pk).exists()
    assert other.post(reverse("customers:dedup-undo", args=[journal.pk])).status_code == 404
    client.post(reverse("customers:dedup-undo", args=[journal.pk]))
    assert Person.objects.filter(pk=b.pk).exists()


def test_create_form_warns_about_a_probable_duplicate_once(rep):
    a, _b = _pair(rep)
    client = login(rep)
    hint = client.get(
        reverse("customers:dedup-check"), {"family_name": "田中", "emails": "TANAKA@example.jp"}
    )
    assert (
        "田中 太郎 様" in hint.content.decode()
        and reverse("customers:person", args=[a.pk]) in hint.content.decode()
    )
    form = {
        "family_name": "田中",
        "given_name": "太郎",
        "emails": "tanaka@example.jp",
        "relationship_stage": "exploratory",
        "lifecycle": "lead",
    }
    first = client.post(reverse("customers:person-create"), form)
    assert first.status_code == 200 and 'name="confirm_duplicate"' in first.content.decode()
    assert Person.objects.count() == 2
    second = client.post(reverse("customers:person-create"), {**form, "confirm_duplicate": "1"})
    assert second.status_code == 302 and Person.objects.count() == 3
