"""The one read gate: ``restrict(queryset, user, action)`` (docs/architecture.md convention 2).

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
    if not _active(user):
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

    def allows(user, action: str, obj: Model) -> bool:
        """The same rule judged on a loaded object (see :func:`may`)."""
        if not _active(user) or getattr(obj, "deleted_at", None) is not None:
            return False
        if action == VIEW or sees_everything(user):
            return True
        return getattr(obj, f"{owner_field}_id") == user.pk or (
            bool(user.team_id) and getattr(obj, f"{team_field}_id") == user.team_id
        )

    policy.allows = allows
    return policy


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can(user, action: str, obj: Model) -> bool:
    """Whether ``user`` may ``action`` this object (one indexed query). Services guard
    every write with this: it asks the database, so it sees the row as it is now."""
    return restrict(type(obj)._default_manager.all(), user, action).filter(pk=obj.pk).exists()


def may(user, action: str, obj: Model) -> bool:
    """Whether a page should offer ``action`` on ``obj`` it has just read: the model's
    policy judged on the loaded fields where the policy can (``policy.allows``), else
    :func:`can`. For showing or hiding buttons only — the service behind the button
    checks again with :func:`can`. Saves the 360° page a query."""
    policy = _policies.get(type(obj))
    allows = getattr(policy, "allows", None)
    if allows is None:
        return can(user, action, obj)
    return allows(user, action, obj)


def restrict_to_customer(
    queryset: QuerySet, user, customer: Model, *, field: str, action: str = VIEW
) -> QuerySet:
    """``queryset``'s rows of one customer (``field`` = the customer foreign key:
    "person" or "company") that ``user`` may ``action``: the same rows as
    ``restrict(queryset.filter(field=customer))``. A model whose policy depends on who
    looks after the customer registers a shortcut (:func:`register_customer_policy`) that
    uses what is known of ``customer`` to write a simpler WHERE clause."""
    narrowed = queryset.filter(**{field: customer})
    shortcut = _customer_policies.get(queryset.model)
    if shortcut is None or not _active(user):
        return restrict(narrowed, user, action)
    return shortcut(narrowed, user, action, customer)


CustomerPolicy = Callable[[QuerySet, object, str, Model], QuerySet]
_customer_policies: dict[type[Model], CustomerPolicy] = {}


def register_customer_policy(model: type[Model], policy: CustomerPolicy) -> None:
    """``policy(queryset, user, action, customer)``: ``queryset`` is already narrowed to
    ``customer``; return what ``restrict`` would, more cheaply (or call it)."""
    _customer_policies[model] = policy


def looks_after(user, customer: Model) -> bool:
    """The user owns ``customer`` or is in the team it belongs to."""
    return customer.owner_id == user.pk or (bool(user.team_id) and customer.team_id == user.team_id)


def is_user(actor) -> bool:
    """A signed-in person, as opposed to a system actor (an import, a command, a job)."""
    return getattr(actor, "pk", None) is not None and hasattr(actor, "role")


def ensure_can(actor, action: str, obj: Model) -> None:
    """Services re-check what the adapter already checked: a forgotten check in one door
    must not open the ledger. System actors (imports, commands) are trusted. Out of scope
    reads as "not found" (docs/architecture.md convention 2)."""
    from daifuku.core.errors import NotFound

    if is_user(actor) and not can(actor, action, obj):
        raise NotFound()


def check_version(obj, expected_version: int | None) -> None:
    """Optimistic locking: refuse when someone saved ``obj`` since the caller read it."""
    from daifuku.core.errors import ConflictError

    if expected_version is not None and int(expected_version) != obj.version:
        raise ConflictError()
