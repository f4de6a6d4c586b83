"""設定 → メール配信 and 配信除外アドレス: administrators only, the organisation profile's
values shown where a field is empty, field errors beside the field, a stale form refused,
topics added and protected while campaigns use them, an address removed only after a
confirmation."""

from __future__ import annotations

import pytest
from django.test import Client

from daifuku.marketing.tests import law_world

pytestmark = pytest.mark.django_db
mailing = law_world.mailing  # the fixture the mail-law tests share


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sender_page_is_for_administrators(rep, admin):
    assert _as(rep).get("/marketing/settings/sender/").status_code == 404
    assert _as(rep).get("/marketing/settings/suppressions/").status_code == 404
    assert _as(admin).get("/marketing/settings/sender/").status_code == 200
    hub = _as(admin).get("/settings/").content.decode()
    assert "/marketing/settings/sender/" in hub and "配信除外アドレス" in hub
    assert "/marketing/settings/sender/" not in _as(rep).get("/settings/").content.decode()


def test_sender_page_shows_the_fallback_and_saves(mailing, admin):
    from daifuku.marketing.selectors.sender import mail_settings

    client = _as(admin)
    page = client.get("/marketing/settings/sender/").content.decode()
    assert 'placeholder="株式会社大福商事"' in page and "自社情報から" in page
    version = mail_settings().version
    response = client.post(
        "/marketing/settings/sender/",
        {"version": version, "sender_name": "大福ストア", "from_email": "bad"},
    )
    assert response.status_code == 200 and "id_from_email-error" in response.content.decode()
    assert mail_settings().sender_name == ""
    response = client.post(
        "/marketing/settings/sender/",
        {"version": version, "sender_name": "大福ストア", "from_email": "news@daifuku.example"},
    )
    assert response.status_code == 302
    assert mail_settings().sender_name == "大福ストア"
    stale = client.post("/marketing/settings/sender/", {"version": version, "sender_name": "古い"})
    assert stale.status_code == 200 and mail_settings().sender_name == "大福ストア"


def test_topics_are_added_edited_and_kept_while_used(mailing, admin):
    from daifuku.marketing.models import MailTopic

    client = _as(admin)
    from daifuku.marketing.services.sender import update_sender_settings

    update_sender_settings(actor=admin, data={"name": "大福ストア"})
    bad = client.post("/marketing/settings/topics/new/", {"name": "", "key": "Bad Key"})
    assert bad.status_code == 422 and "id_key-error" in bad.content.decode()
    assert 'value="大福ストア"' in bad.content.decode()  # the sender form keeps its values
    client.post("/marketing/settings/topics/new/", {"name": "季節のご案内", "key": "season"})
    topic = MailTopic.objects.get(key="season")
    client.post(
        f"/marketing/settings/topics/{topic.pk}/", {"name": "季節のお便り", "key": "season"}
    )
    assert MailTopic.objects.get(pk=topic.pk).name == "季節のお便り"
    client.post(f"/marketing/settings/topics/{topic.pk}/delete/")
    assert not MailTopic.objects.filter(pk=topic.pk).exists()
    used = mailing["topic"]
    response = client.post(f"/marketing/settings/topics/{used.pk}/delete/", follow=True)
    assert MailTopic.objects.filter(pk=used.pk).exists()
    assert "削除できません" in response.content.decode()


def test_suppression_list_add_and_remove_with_confirmation(admin):
    from daifuku.marketing.models import Suppression

    client = _as(admin)
    bad = client.post("/marketing/settings/suppressions/", {"email": "nope"})
    assert bad.status_code == 422 and "id_email-error" in bad.content.decode()
    client.post(
        "/marketing/settings/suppressions/", {"email": "Stop@Example.jp", "note": "電話で依頼"}
    )
    row = Suppression.objects.get()
    assert (row.email, row.reason, row.note) == ("stop@example.jp", "manual", "電話で依頼")
    again = client.post("/marketing/settings/suppressions/", {"email": "stop@example.jp"})
    assert "すでに配信除外" in again.content.decode()
    listing = client.get("/marketing/settings/suppressions/?q=stop").content.decode()
    assert "stop@example.jp" in listing
    confirm = client.get(f"/marketing/settings/suppressions/{row.pk}/remove/")
    assert confirm.status_code == 200 and Suppression.objects.exists()  # a GET only asks
    client.post(f"/marketing/settings/suppressions/{row.pk}/remove/")
    assert not Suppression.objects.exists()


def test_query_budgets_of_the_settings_pages(
    mailing, admin, admin_api, django_assert_max_num_queries
):
    from daifuku.marketing.services.suppression import suppress

    for n in range(30):
        suppress(f"gone{n}@example.jp", "bounce")
    client = _as(admin)
    with django_assert_max_num_queries(14):
        assert client.get("/marketing/settings/sender/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/marketing/settings/suppressions/").status_code == 200
    with django_assert_max_num_queries(10):
        assert admin_api.get("/api/v1/settings/sender").status_code == 200
