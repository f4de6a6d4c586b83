"""Small helpers the commerce services share."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from daifuku.accounts.permissions import is_user, sees_everything
from daifuku.core.errors import PermissionDenied

__all__ = ["require_manager", "yen"]


def require_manager(actor) -> None:
    """The catalogue is managed by managers and administrators."""
    if is_user(actor) and not sees_everything(actor):
        raise PermissionDenied(_("Only managers and administrators can change this."))


def yen(
    value, field: str, errors: dict, *, required: bool = False, signed: bool = False
) -> int | None:
    """An amount of integer yen ≥ 0 (accepts "1,200" and full-width digits from forms);
    ``signed`` also accepts a negative amount (the unit price of a discount line, 値引き),
    written -1,000, −1,000 or ▲1,000."""
    if value in (None, ""):
        if required:
            errors[field] = [_("Enter an amount in yen.")]
        return None
    if isinstance(value, bool):
        errors[field] = [_("Enter a whole number of yen.")]
        return None
    if isinstance(value, str):
        value = (
            unicodedata.normalize("NFKC", value)
            .replace(",", "")
            .replace("¥", "")
            .replace("円", "")
            .strip()
        )
        if signed:
            # the minus signs people type (−, ‐, ー) and the accountants' ▲ / △
            value = re.sub(r"^[\u2212\u2010\u2011\u2012\u2013\u30fc\u25b2\u25b3]\s*", "-", value)
    try:
        number = int(value)
        if isinstance(value, float) and value != number:
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = [_("Enter a whole number of yen.")]
        return None
    if signed and -(10**13) <= number < 0:
        return number
    if number < 0 or number > 10**13:
        errors[field] = [_("Enter an amount between 0 and 10 trillion yen.")]
        return None
    return number
