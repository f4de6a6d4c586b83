"""The deliverability screens without a browser: who may open them, the DKIM key button
and its TXT record, the bounce list, the settings page's links."""

from __future__ import annotations

import pytest
from django.test import Client

from daifuku.marketing.feedback import intake, signing
from daifuku.marketing.models import MailSettings

from . import feedback_rows as rows
from .feedback_servers import sample

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def fresh_signer():
    signing.forget()
    yield
    signing.forget()


def test_only_administrators_open_the_domain_check(admin, manager, rep):
    assert client_for(rep).get("/marketing/deliverability/").status_code == 404
    assert client_for(manager).get("/marketing/deliverability/").status_code == 404
    assert (
        client_for(manager)
        .post("/marketing/deliverability/dkim/", {"domain": "example.jp", "selector": "s"})
        .status_code
        == 404
    )
    page = client_for(admin).get("/marketing/deliverability/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "_dmarc." in text and 'id="dkim-record"' not in text


def test_the_key_button_makes_a_key_and_shows_the_record(admin):
    client = client_for(admin)
    response = client.post(
        "/marketing/deliverability/dkim/", {"domain": "example.jp", "selector": "daifuku2026"}
    )
    assert response.status_code == 302
    row = MailSettings.objects.get(pk=MailSettings.SINGLETON_PK)
    text = client.get(response["Location"]).content.decode()
    assert "daifuku2026._domainkey.example.jp" in text
    assert signing.record_value(row.dkim_private_key) in text
    assert row.dkim_private_key not in text  # the private half never leaves the server
    refused = client.post(
        "/marketing/deliverability/dkim/", {"domain": "example.jp", "selector": "bad selector"}
    )
    assert refused.status_code == 200 and 'aria-invalid="true"' in refused.content.decode()
    assert client.post("/marketing/deliverability/dkim/off/").status_code == 302
    assert MailSettings.objects.get(pk=MailSettings.SINGLETON_PK).dkim_private_key == ""


def test_the_bounce_list_shows_what_came_back(admin, make_user, rep, django_assert_max_num_queries):
    marketer = make_user("marketer", "marketer")
    rows.sample_deliveries(rows.campaign())
    for name in (
        "dsn_postfix_hard.eml",
        "dsn_delayed_soft.eml",
        "arf_abuse.eml",
        "qmail_failure.eml",
    ):
        intake.process(sample(name))
    assert client_for(rep).get("/marketing/bounces/").status_code == 404
    client = client_for(marketer)
    with django_assert_max_num_queries(12):
        page = client.get("/marketing/bounces/")
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        "nosuchuser@example.ne.jp" in text
        and "hanako@full.example.com" in text
        and "冬のセール" in text
    )
    only = client.get("/marketing/bounces/?kind=complaint").content.decode()
    assert "kaori@yahoo.co.jp" in only and "nosuchuser@example.ne.jp" not in only
    settings_page = client_for(admin).get("/settings/").content.decode()
    assert "/marketing/deliverability/" in settings_page and "/marketing/bounces/" in settings_page
