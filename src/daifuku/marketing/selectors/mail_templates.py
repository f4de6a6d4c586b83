"""Reads of the template and persona screens: every signed-in user sees the shop's mail
templates and sender personas (they are the shop's voice, not customer data); the customer
a preview is rendered as is read through the ledger's ``restrict()``."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from daifuku.customers import selectors as customer_selectors
from daifuku.customers.models import Person

from ..models import MailTemplate, Persona


def list_templates(user) -> list[MailTemplate]:
    return list(MailTemplate.objects.order_by("name", "id"))


def get_template(user, pk: Any) -> MailTemplate:
    found = list(MailTemplate.objects.filter(pk=_int(pk))[:1])
    if not found:
        raise Http404
    return found[0]


def list_personas(user) -> list[Persona]:
    return list(Persona.objects.order_by("sort_order", "id"))


def get_persona(user, pk: Any) -> Persona:
    found = list(Persona.objects.filter(pk=_int(pk))[:1])
    if not found:
        raise Http404
    return found[0]


def people_to_preview(user, query: str, limit: int = 8) -> list:
    """People matching what was typed in the preview's picker, only those the user may
    read (name, reading, e-mail or phone)."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    return customer_selectors.search_customers(user, query, types=("person",), limit=limit)[0]


def preview_person(user, pk: Any) -> Person | None:
    """The customer chosen for the preview (None when none or out of the user's scope)."""
    if not _int(pk):
        return None
    try:
        return customer_selectors.get_person(user, pk)
    except Http404:
        return None


def _int(raw: Any) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0
