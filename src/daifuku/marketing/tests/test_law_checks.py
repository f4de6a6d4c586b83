"""The pre-send check of the 特定電子メール法 display items, the legal footer and
List-Unsubscribe headers the compose hook adds, and the sender settings API."""

from __future__ import annotations

import pytest

from daifuku.marketing.mailing import hooks, law
from daifuku.marketing.tests import law_world
from daifuku.marketing.tests.law_world import outgoing

pytestmark = pytest.mark.django_db
mailing = law_world.mailing  # the fixture the mail-law tests share


def _codes(campaign) -> list[str]:
    from daifuku.marketing.mailing.law import legal_problems

    return [p.code for p in legal_problems(campaign)]


def test_nothing_set_blocks_with_every_missing_item(admin):
    from daifuku.marketing.models import Campaign, Segment

    campaign = Campaign(
        name="x", segment=Segment.objects.create(name="s"), subject="s", html="<p>hi</p>"
    )
    problems = hooks.preflight_problems(campaign)
    law = [p for p in problems if p.code.startswith(("missing_", "contact_"))]
    assert [p.code for p in law] == [
        "missing_sender_name",
        "missing_postal_address",
        "missing_contact",
        "missing_from",
    ]
    assert all(p.blocks for p in law)
    assert "設定 → メール配信" in law[0].message  # says where to fix it


def test_the_organisation_profile_fills_empty_sender_fields(mailing):
    from daifuku.marketing.selectors.sender import sender_identity

    who = sender_identity()
    assert who.name == "株式会社大福商事"
    assert who.postal_address == "〒100-0005 東京都千代田区丸の内1-1-1"
    assert who.contact == "お客様窓口 03-1234-5678"
    assert who.sources == {
        "name": "organization",
        "postal_address": "organization",
        "contact": "organization",
    }
    assert _codes(mailing["campaign"]) == []


def test_a_contact_without_phone_mail_or_url_blocks(mailing, admin):
    from daifuku.marketing.services.sender import update_sender_settings

    update_sender_settings(actor=admin, data={"contact": "営業部"})
    assert _codes(mailing["campaign"]) == ["contact_not_reachable"]


def test_a_persona_address_answers_for_the_from(mailing, admin):
    from daifuku.marketing.models import Persona
    from daifuku.marketing.services.sender import update_sender_settings

    update_sender_settings(actor=admin, data={"from_email": ""})
    campaign = mailing["campaign"]
    assert _codes(campaign) == ["missing_from"]
    campaign.persona = Persona.objects.create(
        name="店長", from_name="店長 山田", from_email="ten@daifuku.example"
    )
    assert _codes(campaign) == []


def test_a_template_with_its_own_footer_must_say_everything(mailing):
    campaign = mailing["campaign"]
    campaign.text = "本文\n{{ unsubscribe_url }}"
    campaign.html = ""
    assert _codes(campaign) == [
        "missing_unsubscribe",
        "missing_sender_name_in_body",
        "missing_postal_address_in_body",
        "missing_contact_in_body",
    ]
    campaign.text = (
        "本文\n配信停止はこちら: {{ unsubscribe_url }}\n{{ sender_name }}\n{{sender_address}}\n"
        "お問い合わせ: {{ sender_contact }}"
    )
    assert _codes(campaign) == []


def test_non_advertising_mail_needs_only_a_from(mailing, admin):
    from daifuku.marketing.services.sender import update_sender_settings

    campaign = mailing["campaign"]
    campaign.is_advertising = False
    campaign.text = "ご注文ありがとうございます"
    update_sender_settings(actor=admin, data={"from_email": ""})
    assert _codes(campaign) == ["missing_from"]


def test_compose_adds_headers_and_the_legal_footer(mailing):
    from daifuku.marketing import unsubscribe

    delivery = mailing["to_hanako"]
    mail = hooks.compose(outgoing(delivery))
    url = unsubscribe.url_for(delivery.token)
    assert mail.headers["List-Unsubscribe"] == (
        f"<{url}>, <mailto:stop@daifuku.example?subject=unsubscribe-{unsubscribe.sign(delivery.token)}>"
    )
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"配信停止はこちら（今後のメールの受信を拒否できます）: {url}" in mail.text
    assert "株式会社大福商事" in mail.text and "〒100-0005 東京都千代田区丸の内1-1-1" in mail.text
    assert "お問い合わせ先: お客様窓口 03-1234-5678" in mail.text
    assert mail.html.endswith("</body></html>") and f'<a href="{url}">' in mail.html
    assert mail.html.index("daifuku-legal") < mail.html.index("</body>")


def test_compose_leaves_a_template_footer_alone(mailing):
    from daifuku.marketing import unsubscribe

    delivery = mailing["to_hanako"]
    url = unsubscribe.url_for(delivery.token)
    text = f"本文\n配信停止: {url}"
    mail = hooks.compose(outgoing(delivery, html="", text=text))
    assert mail.text == text and "List-Unsubscribe" in mail.headers


def test_compose_leaves_non_advertising_mail_alone(mailing):
    delivery = mailing["to_hanako"]
    mail = outgoing(delivery)
    mail.is_advertising = False
    before = (mail.html, mail.text)
    law.add_unsubscribe(mail)  # the law's own hook (tracking may still add its pixel)
    assert (mail.html, mail.text) == before and "List-Unsubscribe" not in mail.headers


# --- PUT/GET /api/v1/settings/sender -------------------------------------------------


def test_api_reads_and_changes_the_sender(admin_api, mailing):
    response = admin_api.get("/api/v1/settings/sender")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "" and body["effective"]["name"] == "株式会社大福商事"
    assert body["effective"]["sources"]["name"] == "organization"
    version = body["version"]
    response = admin_api.client.put(
        "/api/v1/settings/sender",
        {
            "name": "大福ストア",
            "postal_address": "東京都港区1-2-3",
            "contact": "info@daifuku.example",
            "from_email": "ＮＥＷＳ@daifuku.example",
            "version": version,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {admin_api.token}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "大福ストア" and body["from_email"] == "news@daifuku.example"
    assert body["effective"]["sources"]["name"] == "mail" and body["version"] == version + 1


def _put(api, data, **headers):
    return api.client.put(
        "/api/v1/settings/sender",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        **headers,
    )


def test_api_refuses_bad_input_with_stable_codes(admin_api, rep_api, mailing):
    assert _put(rep_api, {"name": "x"}).json()["code"] == "permission_denied"
    assert rep_api.get("/api/v1/settings/sender").status_code == 403
    bad = _put(admin_api, {"from_email": "not-an-address"})
    assert bad.status_code == 422 and "from_email" in bad.json()["errors"]
    assert _put(admin_api, {"colour": "red"}).status_code == 422
    assert _put(admin_api, {"name": 3}).status_code == 422
    stale = _put(admin_api, {"name": "x", "version": 99})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    assert _put(admin_api, {"name": "x"}, HTTP_IF_MATCH='"99"').status_code == 412
    assert _put(admin_api, {"name": "x" * 201}).status_code == 422
