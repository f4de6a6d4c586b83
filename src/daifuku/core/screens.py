"""Helpers every domain's screens share: list parameters, running a service for a form,
the success redirect, the safe ``next`` target and the htmx partial-or-page choice.

They live below the domains so a new app's views import them from here, never from
another domain's views (docs/architecture.md, "Add a domain app").
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from .errors import ConflictError, DomainError, ValidationFailed

PAGE_SIZES = (25, 50, 100)


def page_size(request) -> int:
    """Rows per list page the user chose (25, 50 or 100; anything else is 25)."""
    try:
        size = int(request.GET.get("size", 25))
    except ValueError:
        size = 25
    return size if size in PAGE_SIZES else 25


def int_or_none(value):
    """A query parameter as an int, ``None`` when missing or not a number."""
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
    """Say what was done and go on (post/redirect/get)."""
    messages.success(request, message)
    return redirect(to, *args)


def safe_next(request, default: str) -> str:
    """The ``next`` parameter when it points inside this site, else ``default`` (never an
    open redirect)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def wants_partial(request) -> bool:
    """An htmx request that swaps part of the page (a boosted navigation wants the page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def page_or_partial(request, page: str, partial: str, context: dict, **kwargs):
    """Render ``partial`` for an htmx swap, ``page`` (which includes the partial) otherwise."""
    return render(request, partial if wants_partial(request) else page, context, **kwargs)
