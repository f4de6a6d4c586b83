"""The organisation's snippet rules: consent required or not, the allowed sites, retention."""

from __future__ import annotations

import secrets
import time

from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import PermissionDenied, ValidationFailed

from ..models import BehaviourSettings

_CACHE: dict[str, tuple[float, BehaviourSettings]] = {}
CACHE_SECONDS = 5.0  # /collect reads the rules per request: a few seconds old is fine


def current(*, fresh: bool = False) -> BehaviourSettings:
    """The one settings row (created with a new identify secret the first time)."""
    cached = _CACHE.get("settings")
    if cached and not fresh and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    row, _created = BehaviourSettings.objects.get_or_create(pk=1)
    if not row.identify_secret:
        row.identify_secret = secrets.token_urlsafe(32)
        row.save(update_fields=["identify_secret"])
    _CACHE["settings"] = (time.monotonic(), row)
    return row


def forget_cache() -> None:
    _CACHE.clear()


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only administrators can change the web behaviour settings."))


def _origin(text: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


@transaction.atomic
def update_settings(
    *, actor, require_consent: bool, allowed_origins: str, retention_days: int
) -> BehaviourSettings:
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    origins = []
    for line in str(allowed_origins or "").splitlines():
        if not line.strip():
            continue
        origin = _origin(line)
        if origin is None:
            errors.setdefault("allowed_origins", []).append(
                _("%(line)s is not an origin such as https://shop.example.jp.") % {"line": line}
            )
        else:
            origins.append(origin)
    try:
        days = int(retention_days)
        if not 1 <= days <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        errors["retention_days"] = [_("Keep events between 1 and 3650 days.")]
        days = 0
    if errors:
        raise ValidationFailed(errors)
    row = current(fresh=True)
    before = {
        "require_consent": row.require_consent,
        "allowed_origins": row.allowed_origins,
        "retention_days": row.retention_days,
    }
    row.require_consent = bool(require_consent)
    row.allowed_origins = "\n".join(dict.fromkeys(origins))
    row.retention_days = days
    row.version += 1
    row.save()
    after = {
        "require_consent": row.require_consent,
        "allowed_origins": row.allowed_origins,
        "retention_days": row.retention_days,
    }
    audit.record(
        actor=actor,
        action="update",
        obj=row,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    forget_cache()
    return row


@transaction.atomic
def rotate_identify_secret(*, actor) -> str:
    """A new key for identify tokens; tokens signed with the old one stop working."""
    _require_admin(actor)
    row = current(fresh=True)
    row.identify_secret = secrets.token_urlsafe(32)
    row.save(update_fields=["identify_secret"])
    audit.record(actor=actor, action="update", obj=row, changes={"identify_secret": ["…", "…"]})
    forget_cache()
    return row.identify_secret
