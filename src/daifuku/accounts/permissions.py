"""The one read gate: ``restrict(queryset, user, action)`` (DESIGN.md convention 2).

Each domain registers a policy for its models; selectors pass every user-visible queryset
through :func:`restrict`, and views fetch single objects from the restricted queryset so an
object outside the user's scope is a 404, never a 403 that confirms it exists.

Default policy for customers (documented in docs/permissions.md):

* everyone in the organisation may **view** customers;
* reps, marketers and support **change** what they own or what their team owns;
* managers and admins change everything; only managers and admins empty the trash.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Q, QuerySet

from .models import Role

VIEW, CHANGE, DELETE = "view", "change", "delete"
Policy = Callable[[QuerySet, object, str], QuerySet]

_policies: dict[type[Model], Policy] = {}


def register_policy(model: type[Model], policy: Policy) -> None:
    _policies[model] = policy


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may ``action``; nothing for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    policy = _policies.get(queryset.model)
    if policy is None:
        raise LookupError(f"no permission policy registered for {queryset.model.__name__}")
    return policy(queryset, user, action)


def sees_everything(user) -> bool:
    return user.is_superuser or user.role in (Role.ADMIN, Role.MANAGER)


def owned_scope(user, *, owner_field: str = "owner", team_field: str = "team") -> Q:
    """Rows the user owns or that belong to the user's team."""
    scope = Q(**{f"{owner_field}_id": user.pk})
    if user.team_id:
        scope |= Q(**{f"{team_field}_id": user.team_id})
    return scope


def ownership_policy(owner_field: str = "owner", team_field: str = "team") -> Policy:
    """View: everyone. Change/delete: own or team's, all for managers and admins."""

    def policy(queryset: QuerySet, user, action: str) -> QuerySet:
        if action == VIEW or sees_everything(user):
            return queryset
        return queryset.filter(owned_scope(user, owner_field=owner_field, team_field=team_field))

    return policy


def can(user, action: str, obj: Model) -> bool:
    """Whether ``user`` may ``action`` this object (one indexed query)."""
    return restrict(type(obj)._default_manager.all(), user, action).filter(pk=obj.pk).exists()
