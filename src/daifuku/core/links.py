"""Links to one record's page, for lists that show hundreds of them."""

from __future__ import annotations

from django.urls import get_script_prefix, reverse

_SENTINEL = 987654321987
_TEMPLATES: dict = {}


def id_url(viewname: str, pk: int) -> str:
    """``reverse(viewname, args=[pk])`` for a view whose only argument is an integer id.
    Reversing resolves the URL patterns each time (40 µs: a tenth of the CPU of a 100-row
    customer list); the URL is reversed once per view and prefix with a sentinel id and
    the id written into it after that."""
    key = (viewname, get_script_prefix())
    template = _TEMPLATES.get(key)
    if template is None:
        reversed_url = reverse(viewname, args=[_SENTINEL])
        head, _sentinel, tail = reversed_url.partition(str(_SENTINEL))
        template = _TEMPLATES[key] = (head, tail)
    return f"{template[0]}{int(pk)}{template[1]}"
