"""Invitations: an administrator adds a colleague by e-mail and the colleague chooses their
own password through a one-time link, the same kind of link as Django's password reset.

The link carries the user id and a token signed with the secret key over the account's
state (password hash, last sign-in, active flag): setting the password changes that state,
so a link works once; it also stops working after ``DAIFUKU_INVITATION_DAYS`` days
(default 7) or when the account is deactivated. Nothing about the link is stored."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import ValidationFailed

from .models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token with its own salt (a reset link is no invitation and
    the reverse) and its own lifetime."""

    key_salt = "daifuku.accounts.invitations.InvitationTokenGenerator"

    @property
    def lifetime_seconds(self) -> int:
        return int(getattr(settings, "DAIFUKU_INVITATION_DAYS", 7)) * 24 * 3600

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - ts <= self.lifetime_seconds


invitation_tokens = InvitationTokenGenerator()


def is_pending(user: User) -> bool:
    """Invited and has not chosen a password yet."""
    return not user.has_usable_password() and user.last_login is None


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:invitation", args=[uid, invitation_tokens.make_token(user)])


def send_invitation(*, actor, user: User, base_url: str) -> None:
    """E-mail ``user`` a fresh one-time link (``base_url``: scheme and host of this
    install, e.g. ``https://crm.example.co.jp``). The mail is written in the install's
    language: the invitee has not chosen one yet."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "inviter": actor,
            "url": base_url.rstrip("/") + invitation_path(user),
            "days": invitation_tokens.lifetime_seconds // 86400,
        }
        subject = _("Invitation to Daifuku CRM")
        body = render_to_string("accounts/mail/invitation.txt", context)
    send_mail(subject, body, None, [user.email], fail_silently=False)
    audit.record(actor=actor, action="invite", obj=user, changes={"email": [None, user.email]})


@transaction.atomic
def accept_invitation(*, user: User, password1: str, password2: str) -> User:
    """The invitee's chosen password; the account can be signed in to from now on and the
    link is spent."""
    errors: dict[str, list[str]] = {}
    if password1 != password2:
        errors["password2"] = [_("The two passwords do not match.")]
    else:
        try:
            validate_password(password1, user)
        except ValidationError as exc:
            errors["password1"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password1)
    user.save(update_fields=["password"])
    audit.record(actor=user, action="accept_invitation", obj=user)
    return user
