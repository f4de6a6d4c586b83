"""Helpers the customer views share: list parameters, form handling against services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from daifuku.core.errors import ConflictError, DomainError, ValidationFailed

PAGE_SIZES = (25, 50, 100)


def page_size(request) -> int:
    try:
        size = int(request.GET.get("size", 25))
    except ValueError:
        size = 25
    return size if size in PAGE_SIZES else 25


def int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def run_service(form, call):
    """Call a service with the form's data; on a business refusal put the messages on the
    form and return None so the view re-renders it with everything the user typed."""
    try:
        return call()
    except ConflictError as exc:
        form.add_error(None, str(exc.message))
        form.conflict = True
    except ValidationFailed as exc:
        form.apply_errors(exc)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
    return None


def done(request, message: str, to: str, *args):
    messages.success(request, message)
    return redirect(to, *args)


def deleted_message():
    return _("Moved to the trash. You can restore it from Settings → Trash.")


def history_rows(obj, limit: int = 500) -> list[dict]:
    """The audit trail of ``obj`` ready for the history page (labels, names, door)."""
    from daifuku.core.audit import history_for
    from daifuku.core.audit_display import readable_changes, via_label

    from ..timeline_sources import action_title, entry_summary

    entries = list(history_for(obj, limit=limit))
    readable = readable_changes(entries)
    return [{"entry": e, "changes": readable[e.pk], "via": via_label(e.via), "action": action_title(e.action),
             "summary": entry_summary(e)} for e in entries]
