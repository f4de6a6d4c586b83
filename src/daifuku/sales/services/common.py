"""Small helpers the sales services share."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from daifuku.accounts.permissions import is_user, sees_everything

# one reading of an amount of yen for every money field (the catalog's, orders', deals')
from daifuku.commerce.services.common import yen
from daifuku.core.errors import PermissionDenied

__all__ = [
    "require_manager",
    "yen",
    "percent",
    "date_or_none",
]


def require_manager(actor) -> None:
    """Catalogue, pipelines, settings and targets are managed by managers and admins."""
    if is_user(actor) and not sees_everything(actor):
        raise PermissionDenied(_("Only managers and administrators can change this."))


def percent(value, field: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = [_("Enter a whole percentage between 0 and 100.")]
        return None
    if isinstance(value, bool) or not 0 <= number <= 100:
        errors[field] = [_("Enter a whole percentage between 0 and 100.")]
        return None
    return number


def date_or_none(value, field: str, errors: dict) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None
