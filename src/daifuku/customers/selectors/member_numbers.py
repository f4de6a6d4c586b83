"""Finding customers by their 会員番号 (``Person.member_number``, indexed): one number for
an order sent by a till or an EC site, many at once for an order import."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from daifuku.accounts.permissions import VIEW

from ..models import Person
from ..validation import clean_member_number
from .ledger import people_queryset


def people_with_member_number(user, number: str, action: str = VIEW) -> QuerySet:
    """The living people ``user`` may see whose member number is ``number`` (width-folded
    as stored; normally one, two when the ledger holds a duplicate not merged yet)."""
    wanted = clean_member_number(number)
    if not wanted:
        return Person.objects.none()
    return people_queryset(user, action).filter(member_number=wanted)


def ids_by_member_number(user, numbers: Iterable[str], action: str = VIEW) -> dict[str, list[int]]:
    """``{member number: [person ids]}`` for the numbers that belong to someone ``user``
    may see — one query per 500 numbers, through the index."""
    wanted = sorted({n for n in (clean_member_number(v) for v in numbers) if n})
    found: dict[str, list[int]] = {}
    for start in range(0, len(wanted), 500):
        rows = people_queryset(user, action).filter(member_number__in=wanted[start : start + 500])
        for pk, number in rows.values_list("pk", "member_number").order_by("pk"):
            found.setdefault(number, []).append(pk)
    return found


def ids_by_email(user, addresses: Iterable[str], action: str = VIEW) -> dict[str, list[int]]:
    """``{address (lower-cased): [person ids]}`` — how an order file names its customer
    when it has no member number."""
    from daifuku.core.japanese import normalize_email

    from ..models import EmailAddress

    wanted = sorted({a for a in (normalize_email(v) for v in addresses) if a})
    visible = people_queryset(user, action).values("pk")
    found: dict[str, list[int]] = {}
    for start in range(0, len(wanted), 500):
        rows = EmailAddress.objects.filter(
            address__in=wanted[start : start + 500], person_id__in=visible
        ).values_list("address", "person_id")
        for address, pk in rows.order_by("person_id"):
            found.setdefault(address, []).append(pk)
    return found


def ids_by_phone(user, numbers: Iterable[str], action: str = VIEW) -> dict[str, list[int]]:
    """``{E.164: [person ids]}`` of the phone numbers (written any usual way) — the last
    way an order file can name its customer."""
    from daifuku.core.japanese import normalize_phone

    from ..models import PhoneNumber

    parsed = (normalize_phone(v) for v in numbers)
    wanted = sorted({p.e164 for p in parsed if p is not None})
    visible = people_queryset(user, action).values("pk")
    found: dict[str, list[int]] = {}
    for start in range(0, len(wanted), 500):
        rows = PhoneNumber.objects.filter(
            e164__in=wanted[start : start + 500], person_id__in=visible
        ).values_list("e164", "person_id")
        for e164, pk in rows.order_by("person_id"):
            if pk not in found.get(e164, []):
                found.setdefault(e164, []).append(pk)
    return found
