"""Writing a campaign as a user meets it: the form's preview as a chosen customer (the
template's parts where the form leaves them empty, the chosen persona's signature), its
test send, the audience kept with the campaign and counted again on demand, and the way
from a segment's page to a campaign for it."""
# ruff: noqa: F811  (the imported fixtures are requested by name)

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from .campaign_world import mail_world, marketer  # noqa: F401  (fixtures)
from .tpl_world import build_mail_world

pytestmark = pytest.mark.django_db(transaction=True)

GOLD = "ゴールド会員さま限定"


@pytest.fixture
def browser(marketer):
    client = Client()
    client.force_login(marketer)
    return client


@pytest.fixture
def buyers(rep, admin, django_capture_on_commit_callbacks):
    return build_mail_world(rep, admin, django_capture_on_commit_callbacks)


@pytest.fixture
def autumn(admin):
    from daifuku.marketing.services.mail_templates import create_template

    return create_template(
        actor=admin,
        data={
            "name": "秋の新茶",
            "subject": "{{ display_name }}へ 秋の新茶",
            "html": f"<p>{{{{ display_name }}}}</p>{{% rank 'ゴールド' %}}<p>{GOLD}</p>"
            "{% endrank %}<p>{{ signature }}</p>",
            "text": "{{ display_name }}\n{{ signature }}",
        },
    )


def _preview(browser, **data):
    answer = browser.post("/marketing/campaigns/preview/", data)
    assert answer.status_code == 200
    return answer.content.decode()


def test_preview_as_two_customers_takes_empty_parts_from_the_template(
    browser, buyers, autumn, admin
):
    from daifuku.marketing.services.personas import create_persona

    shop = create_persona(actor=admin, data={"name": "店長", "from_name": "大福茶舗 店長",
                                             "signature_text": "店長 山田より"})  # fmt: skip
    gold = _preview(browser, template=autumn.pk, person=buyers["hanako"].pk, persona=shop.pk)
    assert "田中 花子 様へ 秋の新茶" in gold and GOLD in gold and "店長 山田より" in gold
    bronze = _preview(browser, template=autumn.pk, person=buyers["ichiro"].pk)
    assert "鈴木 一郎 様へ 秋の新茶" in bronze and GOLD not in bronze
    # what the form says wins over the template
    typed = _preview(browser, template=autumn.pk, person=buyers["hanako"].pk, subject="ご案内")
    assert 'id="preview-subject">ご案内<' in typed
    broken = _preview(browser, subject="{{ nickname }}")
    assert "alert error" in broken


def test_the_form_shows_the_preview_panel_as_the_customer_of_the_link(browser, buyers, mail_world):
    page = browser.get(f"/marketing/campaigns/new/?person={buyers['hanako'].pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-post="/marketing/campaigns/preview/"' in html
    assert 'value="375"' in html and 'value="600"' in html  # the phone and desktop widths
    assert "田中 花子 様" in html  # the preview is rendered as her from the start


def test_test_send_as_a_customer(browser, buyers, autumn):
    answer = browser.post(
        "/marketing/campaigns/test-send/",
        {"template": autumn.pk, "person": buyers["hanako"].pk, "to": "me@example.jp"},
    )
    assert answer.status_code == 200 and 'id="test-sent"' in answer.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["me@example.jp"]
    assert "田中 花子 様へ 秋の新茶" in mail.outbox[0].subject
    bad = browser.post("/marketing/campaigns/test-send/", {"subject": "x", "to": "nobody"})
    assert bad.status_code == 200 and "has-error" in bad.content.decode()
    assert len(mail.outbox) == 1


def _create(browser, segment):
    from daifuku.marketing.models import Campaign

    data = {"name": "秋の新作", "segment": segment.pk, "subject": "{{ display_name }}へ",
            "text": "本文", "is_advertising": "on", "ab_metric": "open", "ab_wait_hours": 4,
            "ab_share": 20}  # fmt: skip
    assert browser.post("/marketing/campaigns/new/", data).status_code == 302
    return Campaign.objects.get()


def test_the_audience_is_kept_with_the_campaign_and_counted_again_on_demand(
    browser, mail_world, admin
):
    from daifuku.customers.services import create_person, record_consent

    campaign = _create(browser, mail_world["segment"])
    assert campaign.audience_count == 4 and campaign.audience_counted_at is not None
    assert campaign.audience_skipped["no_consent"] == 2
    # someone new joins the segment: the page shows the kept count, not a new resolve
    newcomer = create_person(actor=admin, data={"family_name": "新規", "given_name": "テスト",
                                                "email": "new@example.jp"})  # fmt: skip
    record_consent(actor=admin, person=newcomer, channel="email", status="opted_in",
                   method="form", evidence="申込書 2026-12-01")  # fmt: skip
    page = browser.get(f"/marketing/campaigns/{campaign.pk}/").content.decode()
    assert 'data-count="4"' in page and 'id="recount"' in page
    assert 'hx-trigger="load"' not in page  # current: nothing is counted on load
    again = browser.post(f"/marketing/campaigns/{campaign.pk}/audience/").content.decode()
    assert 'data-count="5"' in again
    campaign.refresh_from_db()
    assert campaign.audience_count == 5


def test_an_edit_since_the_count_has_the_page_count_again(browser, mail_world, admin):
    from daifuku.marketing.services.campaigns import update_campaign

    campaign = _create(browser, mail_world["segment"])
    update_campaign(actor=admin, campaign=campaign, data={"topic_id": mail_world["topic"].pk})
    page = browser.get(f"/marketing/campaigns/{campaign.pk}/").content.decode()
    assert 'hx-trigger="load"' in page and "変更後の人数を数え直しています" in page
    again = browser.post(f"/marketing/campaigns/{campaign.pk}/audience/").content.decode()
    assert 'data-count="3"' in again and 'data-reason="topic_refused">1<' in again
    # the confirmation counts afresh as well: it is the moment the count matters
    confirm = browser.get(f"/marketing/campaigns/{campaign.pk}/send/").content.decode()
    assert 'data-count="3"' in confirm and 'hx-trigger="load"' not in confirm


def test_from_the_segment_page_to_a_campaign_for_it(browser, mail_world):
    segment = mail_world["segment"]
    page = browser.get(f"/marketing/segments/{segment.pk}/").content.decode()
    link = f"/marketing/campaigns/new/?segment={segment.pk}"
    assert link in page and "このセグメントにメールを送る" in page
    form = browser.get(link).content.decode()
    assert f'<option value="{segment.pk}" selected>' in form


def test_the_send_link_is_not_offered_to_who_may_not_send(make_user, mail_world, teams):
    rep = make_user("plain-rep", "rep", teams["tokyo"])
    client = Client()
    client.force_login(rep)
    page = client.get(f"/marketing/segments/{mail_world['segment'].pk}/").content.decode()
    assert "このセグメントにメールを送る" not in page


def test_the_demo_leaves_a_campaign_ready_to_look_at(
    admin, buyers, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    from daifuku.customers.services import record_consent
    from daifuku.marketing.demo import add_demo_segments
    from daifuku.marketing.demo_mail import DEMO_CAMPAIGN, add_demo_mail
    from daifuku.marketing.models import Campaign, MailSettings, Suppression
    from daifuku.marketing.selectors.campaigns import problems

    record_consent(actor=admin, person=buyers["hanako"], channel="email", status="opted_in",
                   method="form", evidence="会員登録フォーム")  # fmt: skip
    context = SimpleNamespace(users={"admin": admin})
    with django_capture_on_commit_callbacks(execute=True):
        add_demo_segments(context)
        assert add_demo_mail(context) == "6 mail templates, personas, topics and campaigns"
    assert add_demo_mail(context) == "0 mail templates, personas, topics and campaigns"
    campaign = Campaign.objects.get(name=DEMO_CAMPAIGN)
    assert campaign.status == "draft" and "{% rank" in campaign.html
    assert campaign.segment.name == "メール許諾ありのリピーター"
    assert campaign.topic.name == "新商品のお知らせ"
    assert campaign.audience_count == 1  # 田中 花子: a repeat buyer with a mail consent
    assert Suppression.objects.filter(email="ichiro@example.jp", reason="bounce").exists()
    sender = MailSettings.objects.get()
    assert sender.sender_name and sender.postal_address and sender.contact
    assert not [p for p in problems(campaign) if p.blocks]  # it could be sent as it is


def test_subjects_read_as_a_recipient_would_see_them(browser, mail_world):
    from daifuku.marketing.models import Campaign

    campaign = _create(browser, mail_world["segment"])
    listing = browser.get("/marketing/campaigns/").content.decode()
    assert "田中 太郎 様へ" in listing and "{{ display_name }}" not in listing
    page = browser.get(f"/marketing/campaigns/{campaign.pk}/").content.decode()
    assert "田中 太郎 様へ" in page and "田中 太郎 様に届く場合の例" in page
    # a subject with a mistake is shown as written, never an error page
    Campaign.objects.filter(pk=campaign.pk).update(subject="{{ nickname }}へ")
    assert "{{ nickname }}へ" in browser.get("/marketing/campaigns/").content.decode()
