"""The higher-domain records a touch or next action may belong to (a deal, an inquiry):
``subject_type`` + ``subject_id``. Only registered types are accepted, and only a record
the actor may see, of the same customer — otherwise a rep could hang a touch on another
team's deal (it would show there and move the deal's last touch) or on nothing at all.

Types are registered by label (``register("sales.deal")``) so this lower app never imports
the higher one; the record is read through ``restrict()``."""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import VIEW, restrict
from daifuku.core.errors import DomainError, ValidationFailed

_subjects: set[str] = set()


def register(label: str) -> None:
    """Accept ``label`` ("app.model") as the subject of touches and next actions."""
    _subjects.add(label)


def registered() -> frozenset[str]:
    return frozenset(_subjects)


def _model(label: str):
    if label not in _subjects:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def check(actor, subject_type: str, subject_id, *, person=None, company=None):
    """The subject record, if ``actor`` may see it and it is of the same customer;
    ``subject_type_unknown`` (422), ``subject_not_found`` (404) or
    ``subject_customer_mismatch`` (422) otherwise. Users go through ``restrict()``; system
    actors (imports, commands) only need the record to exist."""
    if not subject_type:
        return None
    model = _model(subject_type)
    if model is None:
        raise ValidationFailed(
            {
                "subject_type": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(sorted(_subjects)) or "—"}
                ]
            },
            code="subject_type_unknown",
        )
    rows = model._default_manager.filter(pk=subject_id)
    if getattr(actor, "pk", None) is not None and hasattr(actor, "role"):
        rows = restrict(rows, actor, VIEW)
    obj = rows.first()
    if obj is None:
        message = _("This record does not exist or is not yours to see.")
        raise DomainError(
            message, code="subject_not_found", status=404, errors={"subject_id": [message]}
        )
    ids = {"person": getattr(obj, "person_id", None), "company": getattr(obj, "company_id", None)}
    given = {"person": getattr(person, "pk", None), "company": getattr(company, "pk", None)}
    if any(ids.values()) and not any(given[k] is not None and ids[k] == given[k] for k in ids):
        raise ValidationFailed(
            {"subject_id": [_("This record belongs to another customer.")]},
            code="subject_customer_mismatch",
        )
    return obj


def shown(user, subject_type: str, subject_id) -> dict | None:
    """The subject of a touch as a page shows it — its kind (案件), its name and its page —
    or None when ``user`` may not see it (the raw type and id are never shown)."""
    model = _model(subject_type)
    if model is None or subject_id is None:
        return None
    obj = restrict(model._default_manager.filter(pk=subject_id), user, VIEW).first()
    if obj is None:
        return None
    try:
        url = reverse(f"{model._meta.app_label}:{model._meta.model_name}", args=[obj.pk])
    except NoReverseMatch:
        url = ""
    return {"kind": str(model._meta.verbose_name), "name": str(obj), "url": url}
