"""Every read of users, teams and API tokens that the screens of any app need (docs/architecture.md
convention 2). Colleagues are visible to everyone in the organisation (there is no
policy for users and teams); what is personal — API tokens, the calendar secret — is
read only for its owner."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_stubs_ext import StrOrPromise

from .models import ApiToken, Role, Team, User


def active_users() -> QuerySet:
    """Colleagues who can still sign in: the people a customer, deal or task can be
    given to, and the reps of the owner filters (by username)."""
    return User.objects.filter(is_active=True)


def teams() -> QuerySet:
    """Every team, by name."""
    return Team.objects.all()


def find_user(pk) -> User | None:
    """The user ``pk`` (active or not, e.g. the rep of a past target), None if unknown."""
    return User.objects.filter(pk=pk).first()


def find_username(username: str) -> User | None:
    """The user signing in as ``username`` (active or not), None if unknown: the API names
    people by username."""
    return User.objects.filter(username=username).first()


def user_id_of(username: str) -> int | None:
    """The id of the user ``username`` (active or not), None if unknown: the API's owner and
    rep filters name people by username."""
    return User.objects.filter(username=username).values_list("pk", flat=True).first()


def find_team(pk) -> Team | None:
    return Team.objects.filter(pk=pk).first()


def get_active_user(pk) -> User:
    """An active colleague with their team, e.g. the rep whose day a manager looks at;
    404 for an unknown, deactivated or malformed id."""
    try:
        return User.objects.select_related("team").get(pk=int(pk), is_active=True)
    except (User.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def reps_led_by(user) -> list[User]:
    """The reps whose work ``user`` reviews: everyone for admins (by team, then
    username), the team's active members for a manager, only oneself for a rep."""
    if user.is_admin:
        return list(
            User.objects.filter(is_active=True)
            .select_related("team")
            .order_by("team__name", "username")
        )
    if user.is_manager and user.team_id:
        return list(User.objects.filter(is_active=True, team_id=user.team_id).order_by("username"))
    return [user]


def assignable_reps(user) -> QuerySet:
    """:func:`reps_led_by` as a queryset, for a choice field such as the rep a manager
    sets a visit goal for."""
    return User.objects.filter(pk__in=[u.pk for u in reps_led_by(user)])


def user_by_calendar_secret(secret: str) -> User | None:
    """The active user whose private calendar feed URL carries ``secret``."""
    return User.objects.filter(calendar_secret=secret, is_active=True).first()


def api_tokens_of(user) -> QuerySet:
    """The user's own API tokens, newest first (revoked ones included, shown as such)."""
    return ApiToken.objects.filter(user=user)


def get_api_token_of(user, pk) -> ApiToken:
    """One of the user's own tokens; another user's token is a 404."""
    return get_object_or_404(ApiToken, pk=pk, user=user)


# --- administration (the views check that the reader is an administrator) --------------


def all_users(*, include_inactive: bool = True) -> QuerySet:
    """Every account for the user administration list: active ones first, then by name;
    each with its team (one query)."""
    qs = User.objects.select_related("team").order_by("-is_active", "username")
    return qs if include_inactive else qs.filter(is_active=True)


def get_user(pk) -> User:
    """Any account (active or not) by id; 404 for an unknown id."""
    return get_object_or_404(User.objects.select_related("team"), pk=pk)


def get_team(pk) -> Team:
    return get_object_or_404(Team, pk=pk)


def teams_with_member_counts() -> QuerySet:
    """Teams by name, each with ``member_count`` (active members)."""
    return Team.objects.annotate(member_count=Count("members", filter=Q(members__is_active=True)))


def user_from_link(uidb64: str) -> User | None:
    """The account a one-time link (invitation, password reset) names, or None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk).first()


def role_choices() -> list[tuple[str, StrOrPromise]]:
    """The roles a user can be given, with their (translated) labels."""
    return list(Role.choices)
