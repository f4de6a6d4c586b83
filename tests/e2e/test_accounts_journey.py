"""Administration journey: an administrator invites a colleague by e-mail (through a real
SMTP server on loopback), the colleague opens the link from the mail on a phone, chooses a
password and signs in through the real form."""

from __future__ import annotations

import email
import os
import re
import socket
from email import policy

import pytest

pytestmark = pytest.mark.browser

SHOTS = "/tmp/daifuku-shots"


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    try:
        yield received
    finally:
        controller.stop()


def test_admin_invites_and_invitee_sets_password_and_logs_in(
    page_for, anonymous_page, live_server, admin, teams, smtp
):
    from playwright.sync_api import expect

    os.makedirs(SHOTS, exist_ok=True)
    page = page_for(admin)
    page.goto("/settings/")
    page.get_by_role("link", name="ユーザー", exact=True).click()
    page.get_by_role("link", name="ユーザーを招待").click()
    page.fill("#id_email", "hanako@example.jp")
    page.fill("#id_display_name", "山田 花子")
    page.select_option("#id_role", "manager")
    page.select_option("#id_team", label="大阪営業")
    page.screenshot(path=f"{SHOTS}/invite-desktop.png", full_page=True)
    page.get_by_role("button", name="招待メールを送る").click()
    expect(page.locator(".messages")).to_contain_text("hanako@example.jp に招待メールを送りました")
    expect(page.locator("#users-table")).to_contain_text("招待中")
    page.screenshot(path=f"{SHOTS}/users-desktop.png", full_page=True)

    assert len(smtp) == 1
    body = email.message_from_bytes(smtp[0].content, policy=policy.default).get_body().get_content()
    link = re.search(r"https?://\S+/accounts/invitation/\S+", body).group(0)

    phone = anonymous_page(viewport=(390, 844))
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("パスワードを設定")
    phone.screenshot(path=f"{SHOTS}/invitation-phone.png", full_page=True)
    phone.fill("#id_password1", "hanako-secret-2026")
    phone.fill("#id_password2", "hanako-secret-2026")
    phone.get_by_role("button", name="パスワードを保存").click()
    expect(phone.locator(".messages")).to_contain_text("ログインしてください")
    expect(phone.locator("#id_username")).to_have_value("hanako@example.jp")
    phone.fill("#id_password", "hanako-secret-2026")
    phone.get_by_role("button", name="ログイン").click()
    expect(phone.locator("h1")).to_contain_text("山田 花子")

    # the link from the mail is spent
    again = anonymous_page()
    again.goto(link)
    expect(again.locator("h1")).to_have_text("このリンクは使えません")
