"""The 「メール配信」 panel on a person's page: the topics the person receives or refused
(their own choice, read-only), whether an address of theirs is on the suppression list,
with the way to the list for administrators only."""
# ruff: noqa: F811  (the imported fixtures are requested by name)

from __future__ import annotations

import pytest
from django.test import Client

from .campaign_world import mail_world, marketer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _page(user, person) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(f"/customers/people/{person.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def test_refused_topic_and_no_suppression(admin, mail_world):
    from daifuku.marketing.models import MailTopic

    MailTopic.objects.create(key="seminar", name="セミナーのご案内", sort_order=5)
    page = _page(admin, mail_world["people"]["topic"])
    assert 'id="h-person-mail"' in page and "メール配信" in page
    assert 'data-topic-state="out"' in page and "受け取らない" in page  # 新商品のお知らせ
    assert 'data-topic-state="default"' in page and "メール配信の同意に従う" in page
    assert 'id="person-not-suppressed"' in page and 'id="person-suppressed"' not in page


def test_suppressed_address_with_the_list_link_for_admins_only(admin, marketer, mail_world):
    person = mail_world["people"]["suppressed"]
    page = _page(admin, person)
    assert (
        'id="person-suppressed"' in page
        and "bounced@example.jp は配信除外アドレスです（理由：" in page
    )
    assert "/marketing/settings/suppressions/?q=bounced%40example.jp" in page
    other = _page(marketer, person)
    assert 'id="person-suppressed"' in other
    assert "/marketing/settings/suppressions/" not in other


def test_no_address(admin, mail_world):
    page = _page(admin, mail_world["people"]["no_address"])
    assert "メールアドレスが登録されていないため" in page
    assert 'id="person-not-suppressed"' not in page
