"""User and team administration, invitations and password reset (mails through a real SMTP
server on loopback)."""

import re
import socket

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from daifuku.accounts import services
from daifuku.accounts.invitations import invitation_tokens
from daifuku.accounts.models import Role, Team, User
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback (aiosmtpd); Django sends through its SMTP backend."""
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


def _mail_text(envelope) -> str:
    import email
    from email import policy

    message = email.message_from_bytes(envelope.content, policy=policy.default)
    return str(message["Subject"]) + "\n" + message.get_body().get_content()


def _link(text: str) -> str:
    return re.search(r"http://testserver(/\S+)", text).group(1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_admins_reach_the_administration_pages(admin, manager, rep):
    paths = [
        reverse("accounts:users"),
        reverse("accounts:user-invite"),
        reverse("accounts:teams"),
        reverse("accounts:user", args=[rep.pk]),
        reverse("accounts:team", args=[rep.team_id]),
    ]
    for path in paths:
        assert _client(admin).get(path).status_code == 200, path
        assert _client(manager).get(path).status_code == 403, path
        assert _client(rep).get(path).status_code == 403, path
    assert (
        _client(rep)
        .post(reverse("accounts:user-set-active", args=[manager.pk]), {"active": "0"})
        .status_code
        == 403
    )
    assert User.objects.get(pk=manager.pk).is_active
    with pytest.raises(DomainError) as info:
        services.change_user(actor=manager, user=rep, role=Role.ADMIN, team=None)
    assert info.value.code == "permission_denied"


def test_user_list_shows_role_team_and_state_in_japanese(admin, rep):
    services.invite_user(actor=admin, email="new@example.jp", role=Role.MANAGER)
    html = _client(admin).get(reverse("accounts:users")).content.decode()
    assert "営業 一郎" in html and "東京営業" in html and "営業担当" in html
    assert "招待中" in html and "new@example.jp" in html


def test_invitation_mail_link_sets_password_once_and_signs_in(admin, teams, smtp):
    client = _client(admin)
    response = client.post(
        reverse("accounts:user-invite"),
        {
            "email": "Hanako@Example.jp",
            "display_name": "山田 花子",
            "role": "manager",
            "team": teams["osaka"].pk,
        },
    )
    assert response.status_code == 302
    invitee = User.objects.get(username="hanako@example.jp")
    assert (invitee.role, invitee.team, invitee.has_usable_password()) == (
        "manager",
        teams["osaka"],
        False,
    )
    assert len(smtp) == 1 and smtp[0].rcpt_tos == ["hanako@example.jp"]
    text = _mail_text(smtp[0])
    assert "Daifuku CRM へのご招待" in text and "hanako@example.jp" in text
    link = _link(text)
    assert AuditEntry.objects.filter(action="invite", object_id=invitee.pk).exists()

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200 and "パスワードを保存" in page.content.decode()
    weak = visitor.post(link, {"password1": "12345", "password2": "12345"})
    assert weak.status_code == 200 and "password1" in weak.context["form"].errors
    mismatch = visitor.post(
        link, {"password1": "hanako-secret-2026", "password2": "other-secret-2026"}
    )
    assert "password2" in mismatch.context["form"].errors
    done = visitor.post(
        link, {"password1": "hanako-secret-2026", "password2": "hanako-secret-2026"}
    )
    assert done.status_code == 302
    assert (
        visitor.post(
            reverse("accounts:login"),
            {"username": "hanako@example.jp", "password": "hanako-secret-2026"},
        ).status_code
        == 302
    )
    # the link is spent
    assert Client().get(link).status_code == 400
    assert "このリンクは使えません" in Client().get(link).content.decode()


def test_invitation_link_expires_and_dies_with_deactivation(admin, settings):
    invitee = services.invite_user(actor=admin, email="late@example.jp")
    from daifuku.accounts.invitations import invitation_path

    eight_days_ago = invitation_tokens._num_seconds(invitation_tokens._now()) - 8 * 86400
    old = invitation_tokens._make_token_with_timestamp(invitee, eight_days_ago, settings.SECRET_KEY)
    assert not invitation_tokens.check_token(invitee, old)
    six_days_ago = eight_days_ago + 2 * 86400
    assert invitation_tokens.check_token(
        invitee,
        invitation_tokens._make_token_with_timestamp(invitee, six_days_ago, settings.SECRET_KEY),
    )
    path = invitation_path(invitee)
    assert Client().get(path).status_code == 200
    services.set_user_active(actor=admin, user=invitee, active=False)
    assert Client().get(path).status_code == 400
    # a password-reset token is no invitation token
    from django.contrib.auth.tokens import default_token_generator

    assert not invitation_tokens.check_token(invitee, default_token_generator.make_token(invitee))


def test_invite_rejects_bad_and_duplicate_addresses_on_the_field(admin, rep):
    rep.email = "rep@example.jp"
    rep.save(update_fields=["email"])
    client = _client(admin)
    for email in ["not-an-address", "REP@example.jp"]:
        response = client.post(reverse("accounts:user-invite"), {"email": email, "role": "rep"})
        assert response.status_code == 200
        assert response.context["form"].errors["email"], email
    with pytest.raises(ValidationFailed):
        services.invite_user(actor=admin, email="x@example.jp", role="boss")


def test_role_and_team_change_keeps_superuser_flags_in_step_and_is_audited(admin, rep, teams):
    response = _client(admin).post(
        reverse("accounts:user", args=[rep.pk]), {"role": "admin", "team": teams["osaka"].pk}
    )
    assert response.status_code == 302
    rep.refresh_from_db()
    assert (rep.role, rep.team, rep.is_superuser, rep.is_staff) == (
        "admin",
        teams["osaka"],
        True,
        True,
    )
    entry = AuditEntry.objects.filter(action="update", object_id=rep.pk).latest("id")
    assert entry.changes["role"] == ["rep", "admin"]
    services.change_user(actor=admin, user=rep, role=Role.REP, team=None)
    rep.refresh_from_db()
    assert (rep.role, rep.team, rep.is_superuser, rep.is_staff) == ("rep", None, False, False)


def test_last_admin_cannot_be_demoted_or_deactivated(admin):
    response = _client(admin).post(
        reverse("accounts:user", args=[admin.pk]), {"role": "rep", "team": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["role"]
    with pytest.raises(DomainError) as info:
        services.set_user_active(actor=admin, user=admin, active=False)
    assert info.value.code == "self_deactivation"
    assert User.objects.get(pk=admin.pk).role == "admin"


def test_deactivate_and_reactivate(admin, rep):
    client = _client(admin)
    client.post(reverse("accounts:user-set-active", args=[rep.pk]), {"active": "0"})
    rep.refresh_from_db()
    assert not rep.is_active
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "rep", "password": "pw-for-tests-only"})
        .status_code
        == 200
    )
    assert AuditEntry.objects.filter(action="deactivate", object_id=rep.pk).exists()
    page = client.get(reverse("accounts:user", args=[rep.pk])).content.decode()
    assert "無効" in page and "再開" in page
    client.post(reverse("accounts:user-set-active", args=[rep.pk]), {"active": "1"})
    rep.refresh_from_db()
    assert rep.is_active
    assert AuditEntry.objects.filter(action="reactivate", object_id=rep.pk).exists()


def test_teams_create_and_rename_with_field_errors(admin, teams):
    client = _client(admin)
    assert client.post(reverse("accounts:teams"), {"name": "名古屋営業"}).status_code == 302
    duplicate = client.post(reverse("accounts:teams"), {"name": "東京営業"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["name"]
    team = Team.objects.get(name="名古屋営業")
    assert (
        client.post(reverse("accounts:team", args=[team.pk]), {"name": "中部営業"}).status_code
        == 302
    )
    team.refresh_from_db()
    assert team.name == "中部営業"
    clash = client.post(reverse("accounts:team", args=[team.pk]), {"name": "大阪営業"})
    assert clash.status_code == 200 and clash.context["form"].errors["name"]
    entry = AuditEntry.objects.filter(action="update", object_id=team.pk).latest("id")
    assert entry.changes == {"name": ["名古屋営業", "中部営業"]}


def test_password_reset_by_mail_in_japanese(rep, smtp):
    rep.email = "rep@example.jp"
    rep.save(update_fields=["email"])
    client = Client()
    assert "パスワードをお忘れですか" in client.get(reverse("accounts:login")).content.decode()
    response = client.post(reverse("accounts:password-reset"), {"email": "rep@example.jp"})
    assert response.status_code == 302
    client.post(
        reverse("accounts:password-reset"), {"email": "nobody@example.jp"}
    )  # same answer, no mail
    assert len(smtp) == 1 and smtp[0].rcpt_tos == ["rep@example.jp"]
    text = _mail_text(smtp[0])
    assert "パスワードの再設定" in text
    link = _link(text)
    form_page = client.get(link, follow=True)
    assert "新しいパスワード" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new secret 2026", "new_password2": "a brand new secret 2026"},
    )
    assert done.status_code == 302
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "rep", "password": "a brand new secret 2026"})
        .status_code
        == 302
    )
    assert "このリンクは使えません" in Client().get(link, follow=True).content.decode()


def test_createsuperuser_gives_the_admin_role():
    call_command(
        "createsuperuser", interactive=False, username="root", email="root@example.jp", verbosity=0
    )
    user = User.objects.get(username="root")
    assert (user.role, user.is_admin, user.is_superuser) == ("admin", True, True)
    assert user.calendar_secret
