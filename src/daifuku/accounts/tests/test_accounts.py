import io

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from daifuku.accounts.models import ApiToken, User, hash_token
from daifuku.accounts.services import (
    authenticate_token,
    create_api_token,
    create_user,
    revoke_api_token,
)
from daifuku.core.errors import DomainError, ValidationFailed

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_in_production_settings(settings, rep):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    rep.set_password("a long enough passphrase")
    assert rep.password.startswith("argon2$")


def test_create_user_checks_password_strength_and_uniqueness():
    with pytest.raises(ValidationFailed) as info:
        create_user(actor="test", username="taro", password="123", role="rep")
    assert "password" in info.value.errors
    create_user(actor="test", username="taro", password="correct horse battery staple", role="rep")
    with pytest.raises(ValidationFailed):
        create_user(
            actor="test", username="taro", password="correct horse battery staple", role="rep"
        )


def test_login_logout_and_password_change(rep):
    client = Client()
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:login"), {"username": "rep", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "pw-for-tests-only",
            "new_password1": "a much better passphrase 2026",
            "new_password2": "a much better passphrase 2026",
        },
    )
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("web:home")).status_code == 302
    assert (
        client.post(
            reverse("accounts:login"),
            {"username": "rep", "password": "a much better passphrase 2026"},
        ).status_code
        == 302
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_login_is_throttled_after_repeated_failures(rep):
    client = Client()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "rep", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "rep", "password": "pw-for-tests-only"}
    )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_tokens_are_shown_once_stored_hashed_and_revocable(rep):
    token, secret = create_api_token(actor=rep, user=rep, name="ERP")
    assert secret.startswith("dfk_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(secret) and secret not in stored.key_hash
    assert authenticate_token(secret) == rep
    assert authenticate_token(secret + "x") is None
    revoke_api_token(actor=rep, token=token)
    assert authenticate_token(secret) is None


def test_token_use_is_noted_at_most_once_a_minute_and_inactive_users_are_refused(rep):
    import datetime as dt

    from django.utils import timezone

    token, secret = create_api_token(actor=rep, user=rep, name="ERP")
    user = authenticate_token(secret)
    assert user == rep and user.team_id == rep.team_id and user.role == rep.role
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None and timezone.is_aware(first)
    authenticate_token(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within the minute: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    authenticate_token(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - dt.timedelta(minutes=1)
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert authenticate_token(secret) is None


def test_the_token_user_is_the_user_the_orm_loads(rep):
    """The token check reads the user with hand-written SQL: every field must come back
    as the ORM gives it (booleans, aware datetimes), or permission checks go wrong."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    _token, secret = create_api_token(actor=rep, user=rep, name="ERP")
    rep.last_login = timezone.now()
    rep.save(update_fields=["last_login"])
    found, loaded = authenticate_token(secret), get_user_model().objects.get(pk=rep.pk)
    for field in loaded._meta.concrete_fields:
        ours, theirs = getattr(found, field.attname), getattr(loaded, field.attname)
        assert (ours, type(ours)) == (theirs, type(theirs)), field.name
    assert (
        found.is_active is True and timezone.is_aware(found.date_joined) and not found._state.adding
    )


def test_only_admins_issue_tokens_for_others(rep, teammate, admin):
    with pytest.raises(DomainError):
        create_api_token(actor=rep, user=teammate)
    create_api_token(actor=admin, user=teammate)


def test_inactive_users_tokens_stop_working(rep):
    _, secret = create_api_token(actor=rep, user=rep)
    User.objects.filter(pk=rep.pk).update(is_active=False)
    assert authenticate_token(secret) is None


def test_token_command_prints_a_working_token(rep):
    out = io.StringIO()
    call_command("token", "create", "rep", stdout=out)
    secret = out.getvalue().strip()
    assert authenticate_token(secret) == rep


def test_profile_page_shows_new_token_once(client, rep):
    client.force_login(rep)
    client.post(reverse("accounts:token-create"), {"name": "会計ソフト"})
    first = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="new-token"' in first
    second = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="new-token"' not in second and "会計ソフト" in second


def test_cannot_revoke_someone_elses_token(client, rep, teammate):
    token, _ = create_api_token(actor=teammate, user=teammate)
    client.force_login(rep)
    assert client.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
