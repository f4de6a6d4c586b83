"""Every write to users, teams and API tokens (docs/architecture.md convention 1)."""

from __future__ import annotations

import functools
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.fixed_query import converter

from .models import TOKEN_PREFIX, ApiToken, Role, Team, User, hash_token


@transaction.atomic
def create_team(*, actor, name: str) -> Team:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("Enter a team name.")]})
    if Team.objects.filter(name=name).exists():
        raise ValidationFailed(
            {"name": [_("A team with this name already exists.")]}, code="duplicate"
        )
    team = Team.objects.create(name=name)
    audit.record(actor=actor, action="create", obj=team, changes={"name": [None, name]})
    return team


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    password: str | None = None,
    role: str = Role.REP,
    team: Team | None = None,
    display_name: str = "",
    email: str = "",
    check_password: bool = True,
) -> User:
    """Add a colleague. ``check_password=False`` is for seeding demo and test users only."""
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("Enter a username.")]
    elif User.objects.filter(username=username).exists():
        errors["username"] = [_("This username is taken.")]
    if role not in Role.values:
        errors["role"] = [_("Unknown role.")]
    if password and check_password:
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username,
        role=role,
        team=team,
        display_name=display_name,
        email=email,
        is_superuser=role == Role.ADMIN,
        is_staff=role == Role.ADMIN,
        calendar_secret=secrets.token_urlsafe(32),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        action="create",
        obj=user,
        changes={
            "username": [None, username],
            "role": [None, role],
            "team": [None, team.pk if team else None],
        },
    )
    return user


@transaction.atomic
def create_api_token(*, actor, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the row and the secret, which is never stored
    and cannot be shown again."""
    if actor.pk != user.pk and not getattr(actor, "is_admin", False):
        raise DomainError(
            _("Only administrators can create tokens for someone else."),
            code="permission_denied",
            status=403,
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or _("API token"))[:100],
        key_prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(secret),
    )
    audit.record(
        actor=actor, action="create", obj=token, subject=user, changes={"name": [None, token.name]}
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="revoke", obj=token, subject=token.user)
    return token


def authenticate_token(secret: str) -> User | None:
    """The active user behind a bearer token, or None. Notes the last use at most once a
    minute so a busy integration does not turn every read into a write."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    # Hand-written SQL (this runs before every API request: compiling the ORM join cost
    # five times more CPU than running it, a raw queryset's column mapping twice more);
    # the columns are converted as the ORM would (core.fixed_query.converter).
    names = _user_fields()
    wrapper = connections[DEFAULT_DB_ALIAS]  # once: each use of ``connection`` looks it up again
    with wrapper.cursor() as cursor:
        cursor.execute(_token_sql(wrapper.vendor), [hash_token(secret)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = converter(User, names, wrapper=wrapper)(row[:-2])
    user = User.from_db(wrapper.alias, names, values)
    if not user.is_active:
        return None
    token_id, last_used = (
        row[-2],
        converter(ApiToken, ("last_used_at",), wrapper=wrapper)(row[-1:])[0],
    )
    now = timezone.now()
    if last_used is None or (now - last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


@functools.cache
def _user_fields() -> tuple[str, ...]:
    return tuple(field.attname for field in User._meta.concrete_fields)


@functools.cache
def _token_sql(vendor: str) -> str:
    columns = ", ".join(
        f"u.{connection.ops.quote_name(field.column)}"  # type: ignore[arg-type]  # concrete: has a column
        for field in User._meta.concrete_fields
    )
    return (
        f"SELECT {columns}, t.id, t.last_used_at FROM {ApiToken._meta.db_table} t "
        f"JOIN {User._meta.db_table} u ON u.id = t.user_id WHERE t.key_hash = %s AND t.revoked_at IS NULL"
    )


def rotate_calendar_secret(*, actor, user: User) -> User:
    user.calendar_secret = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_secret"])
    audit.record(actor=actor, action="rotate_calendar_secret", obj=user)
    return user


# --- user administration (admins only) -------------------------------------------------


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise DomainError(
            _("Only administrators can manage users and teams."),
            code="permission_denied",
            status=403,
        )


def _other_active_admins(user: User) -> bool:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role=Role.ADMIN) | Q(is_superuser=True))
        .exclude(pk=user.pk)
        .exists()
    )


@transaction.atomic
def invite_user(
    *, actor, email: str, role: str = Role.REP, team: Team | None = None, display_name: str = ""
) -> User:
    """Add a colleague who chooses their own password: the account exists at once (so it
    can be given customers), but nobody can sign in to it until the invitee follows the
    one-time link of :func:`daifuku.accounts.invitations.send_invitation`. The e-mail
    address is the user name they sign in with."""
    _require_admin(actor)
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    else:
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            errors["email"] = [_("A user with this e-mail address already exists.")]
    if role not in Role.values:
        errors["role"] = [_("Unknown role.")]
    if errors:
        raise ValidationFailed(errors)
    return create_user(
        actor=actor,
        username=email,
        email=email,
        role=role,
        team=team,
        display_name=(display_name or "").strip(),
    )


@transaction.atomic
def change_user(*, actor, user: User, role: str, team: Team | None) -> User:
    """Give a colleague another role or team. Administrators are Django superusers too (the
    role and the flags always agree); the last active administrator keeps the role so the
    organisation is never left without one."""
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationFailed({"role": [_("Unknown role.")]})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_admin and role != Role.ADMIN and user.is_active and not _other_active_admins(user):
        raise ValidationFailed(
            {"role": [_("The last administrator must stay an administrator.")]}, code="last_admin"
        )
    changes: dict[str, list] = {}
    if user.role != role:
        changes["role"] = [user.role, role]
    if user.team_id != (team.pk if team else None):
        changes["team"] = [user.team_id, team.pk if team else None]
    if not changes:
        return user
    user.role, user.team = role, team
    user.is_superuser = user.is_staff = role == Role.ADMIN
    user.save(update_fields=["role", "team", "is_superuser", "is_staff"])
    audit.record(actor=actor, action="update", obj=user, changes=changes)
    return user


@transaction.atomic
def set_user_active(*, actor, user: User, active: bool) -> User:
    """Deactivate a colleague who left (they can no longer sign in, their API tokens stop
    working, their customers and history stay), or reactivate them."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active:
        if user.pk == getattr(actor, "pk", None):
            raise DomainError(
                _("You cannot deactivate your own account."), code="self_deactivation"
            )
        if user.is_admin and not _other_active_admins(user):
            raise DomainError(_("The last administrator cannot be deactivated."), code="last_admin")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="reactivate" if active else "deactivate",
        obj=user,
        changes={"is_active": [not active, active]},
    )
    return user


@transaction.atomic
def rename_team(*, actor, team: Team, name: str) -> Team:
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("Enter a team name.")]})
    if Team.objects.filter(name=name).exclude(pk=team.pk).exists():
        raise ValidationFailed(
            {"name": [_("A team with this name already exists.")]}, code="duplicate"
        )
    if team.name != name:
        old, team.name = team.name, name
        team.save(update_fields=["name"])
        audit.record(actor=actor, action="update", obj=team, changes={"name": [old, name]})
    return team


def create_team_as_admin(*, actor, name: str) -> Team:
    """:func:`create_team` from the administration screen (seeding and commands call
    ``create_team`` directly)."""
    _require_admin(actor)
    return create_team(actor=actor, name=name)
