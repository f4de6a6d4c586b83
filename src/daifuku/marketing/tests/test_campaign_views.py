"""The メール配信 screens: the form saves through the services with errors on the fields,
the campaign's page shows who would receive it and who is left out by reason before
sending, the pre-send problems block the confirmation, and the send starts only after it."""
# ruff: noqa: F811  (the imported fixtures are requested by name)

from __future__ import annotations

import pytest
from django.test import Client

from daifuku.marketing.mailing import hooks

from .campaign_world import delivery_job, mail_world, marketer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser(marketer):
    client = Client()
    client.force_login(marketer)
    return client


def _post_form(browser, segment, **extra):
    data = {"name": "秋の新作", "segment": segment.pk, "subject": "{{ display_name }}へ",
            "text": "本文", "is_advertising": "on", "ab_metric": "open", "ab_wait_hours": 4,
            "ab_share": 20, **extra}  # fmt: skip
    return browser.post("/marketing/campaigns/new/", data)


def test_form_creates_and_shows_field_errors(browser, mail_world):
    from daifuku.marketing.models import Campaign

    page = browser.get("/marketing/campaigns/new/")
    assert page.status_code == 200 and "秋の新作" not in page.content.decode()
    bad = _post_form(browser, mail_world["segment"], text="", variants="一つだけ")
    html = bad.content.decode()
    assert bad.status_code == 200 and "has-error" in html
    assert 'id="id_text-field"' in html and 'id="id_variants-field"' in html
    saved = _post_form(browser, mail_world["segment"])
    campaign = Campaign.objects.get()
    assert saved.status_code == 302 and saved["Location"].endswith(f"/campaigns/{campaign.pk}/")


def test_page_shows_audience_before_sending_and_send_after_confirming(
    browser, mail_world, delivery_job
):
    from daifuku.marketing.models import Campaign, Delivery

    _post_form(browser, mail_world["segment"], topic=mail_world["topic"].pk)
    campaign = Campaign.objects.get()
    page = browser.get(f"/marketing/campaigns/{campaign.pk}/").content.decode()
    assert 'data-count="3"' in page  # three will receive it
    assert 'data-reason="no_consent">2<' in page and 'data-reason="suppressed">1<' in page
    assert 'data-reason="topic_refused">1<' in page and 'data-reason="duplicate">1<' in page
    confirm = browser.get(f"/marketing/campaigns/{campaign.pk}/send/").content.decode()
    assert 'id="confirm-button"' in confirm and not Delivery.objects.exists()
    sent = browser.post(f"/marketing/campaigns/{campaign.pk}/send/")
    assert sent.status_code == 302 and Delivery.objects.count() == 3
    assert delivery_job == [campaign.pk]
    after = browser.get(f"/marketing/campaigns/{campaign.pk}/").content.decode()
    assert 'id="progress"' in after and 'hx-trigger="every 3s"' in after
    assert 'data-stat="pending">3<' in after
    assert browser.get(f"/marketing/campaigns/{campaign.pk}/progress/").status_code == 200
    listing = browser.get("/marketing/campaigns/").content.decode()
    assert "0 / 3" in listing


def test_blocking_problems_hide_the_send_button(browser, mail_world, delivery_job):
    from daifuku.marketing.models import Campaign, Delivery

    def check(campaign):
        return [hooks.Problem("missing_postal_address", "送信者の住所がありません",
                              field="postal_address")]  # fmt: skip

    _post_form(browser, mail_world["segment"])
    campaign = Campaign.objects.get()
    hooks.register_preflight_check(check)
    try:
        confirm = browser.get(f"/marketing/campaigns/{campaign.pk}/send/").content.decode()
        posted = browser.post(f"/marketing/campaigns/{campaign.pk}/send/").content.decode()
    finally:
        hooks._preflight[:] = [pair for pair in hooks._preflight if pair[1] is not check]
    assert "送信者の住所がありません" in confirm and 'id="confirm-button"' not in confirm
    assert "送信者の住所がありません" in posted
    assert not Delivery.objects.exists() and delivery_job == []


def test_reps_cannot_reach_the_send_step(mail_world, rep, browser):
    from daifuku.marketing.models import Campaign

    _post_form(browser, mail_world["segment"])
    campaign = Campaign.objects.get()
    client = Client()
    client.force_login(rep)
    assert client.get(f"/marketing/campaigns/{campaign.pk}/").status_code == 200
    assert client.get(f"/marketing/campaigns/{campaign.pk}/send/").status_code == 404


def test_edit_and_cancel(browser, mail_world):
    from daifuku.marketing.models import Campaign

    _post_form(browser, mail_world["segment"])
    campaign = Campaign.objects.get()
    edit = browser.get(f"/marketing/campaigns/{campaign.pk}/edit/")
    assert "秋の新作" in edit.content.decode()
    _post = {"name": "冬の新作", "segment": mail_world["segment"].pk, "subject": "件名",
             "text": "本文", "ab_metric": "open", "ab_wait_hours": 4, "ab_share": 20,
             "version": campaign.version}  # fmt: skip
    assert browser.post(f"/marketing/campaigns/{campaign.pk}/edit/", _post).status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "冬の新作" and campaign.is_advertising is False
    browser.post(f"/marketing/campaigns/{campaign.pk}/cancel/")
    campaign.refresh_from_db()
    assert campaign.status == "cancelled"
