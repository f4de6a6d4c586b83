"""Helpers only the customer views share (the screens' common helpers are in
``daifuku.core.screens``)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def deleted_message():
    return _("Moved to the trash. You can restore it from Settings → Trash.")


def history_rows(obj, user, limit: int = 500) -> list:
    """The audit trail of ``obj`` that ``user`` may read, as sentences with labelled changes
    (``core.audit_display.ReadableEntry``)."""
    from daifuku.core.audit import history_for
    from daifuku.core.audit_display import readable_entries

    return readable_entries(history_for(obj, limit=limit), user=user)
