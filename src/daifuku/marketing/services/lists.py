"""Fixed lists (static segments): putting people in and taking them out, by hand (a
selection on the customer list) or from an import (ids, e-mail addresses or member
numbers, one per line or in the first column of a CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, VIEW, ensure_can, is_user, restrict
from daifuku.core import audit
from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import normalize_email, normalize_text
from daifuku.customers.models import EmailAddress, Person

from ..models import Segment, StaticMember
from . import memberships
from .segments import require_static

MAX_IDS = 10_000  # one request; a bigger list comes as several imports
# the custom field (顧客台帳 → カスタム項目) holding a shop's member number (会員番号), as
# commerce's order import reads it
MEMBER_NUMBER_KEY = "member_number"


@dataclass
class ListChange:
    """What an addition or an import did: how many were added, how many were already on
    the list, and the input lines that matched no one (or someone the user may not
    read, which reads the same)."""

    added: int = 0
    already: int = 0
    removed: int = 0
    not_found: list[str] = field(default_factory=list)


def _readable(actor, ids) -> list[int]:
    people = Person.objects.filter(pk__in=ids)
    if is_user(actor):
        people = restrict(people, actor, VIEW)
    return list(people.values_list("pk", flat=True))


def _ids(person_ids) -> list[int]:
    if not isinstance(person_ids, (list, tuple)) or len(person_ids) > MAX_IDS:
        raise ValidationFailed(
            {"person_ids": [_("Send a list of at most %(count)s ids.") % {"count": MAX_IDS}]},
            code="invalid_ids",
        )
    found = []
    for value in person_ids:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise ValidationFailed(
                {"person_ids": [_("Each id is a positive whole number.")]}, code="invalid_ids"
            )
        found.append(value)
    return found


@transaction.atomic
def add_members(*, actor, segment: Segment, person_ids) -> ListChange:
    """Put people onto a fixed list; ids of people the actor may not read count as not
    found and are not added."""
    ensure_can(actor, CHANGE, segment)
    require_static(segment)
    wanted = list(dict.fromkeys(_ids(person_ids)))
    readable = set(_readable(actor, wanted))
    change = ListChange(not_found=[str(pk) for pk in wanted if pk not in readable])
    present = set(
        StaticMember.objects.filter(segment=segment, person_id__in=readable).values_list(
            "person_id", flat=True
        )
    )
    new = [pk for pk in wanted if pk in readable and pk not in present]
    StaticMember.objects.bulk_create(
        [
            StaticMember(segment=segment, person_id=pk, added_by=actor if is_user(actor) else None)
            for pk in new
        ]
    )
    change.added, change.already = len(new), len(readable) - len(new)
    if new:
        memberships.store(segment.pk, new)
        _refresh_dependents_later(segment)
        audit.record(
            actor=actor, action="add_members", obj=segment, changes={"added": [0, len(new)]}
        )
    return change


def _refresh_dependents_later(segment: Segment) -> None:
    """The rule segments that name this list (「セグメントのメンバー」) follow it, after commit."""
    from ..jobs import refresh_segment_task

    def enqueue(pk: int) -> None:
        refresh_segment_task.enqueue(pk, memberships.EVENT)

    for pk in memberships.dependents(segment.pk):
        transaction.on_commit(partial(enqueue, pk))


@transaction.atomic
def remove_members(*, actor, segment: Segment, person_ids) -> ListChange:
    """Take people off a fixed list (people not on it are ignored)."""
    ensure_can(actor, CHANGE, segment)
    require_static(segment)
    ids = _ids(person_ids)
    removed, _detail = StaticMember.objects.filter(segment=segment, person_id__in=ids).delete()
    memberships.unstore(segment.pk, ids)
    if removed:
        _refresh_dependents_later(segment)
        audit.record(
            actor=actor, action="remove_members", obj=segment, changes={"removed": [0, removed]}
        )
    return ListChange(removed=removed)


def _tokens(text: str) -> list[str]:
    """The first column of each line (a CSV or one value a line), header rows skipped."""
    found = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        value = normalize_text(row[0]).strip()
        if value and value.lower() not in ("id", "email", "e-mail", "メールアドレス", "会員番号"):
            found.append(value)
    return found


def import_members(*, actor, segment: Segment, text: str) -> ListChange:
    """Add the people named in ``text`` — customer ids, e-mail addresses or member
    numbers (会員番号, the ``member_number`` custom field), one per line or the first
    column of a CSV — and say which lines matched no one."""
    require_static(segment)
    tokens = _tokens(text or "")
    if not tokens:
        raise ValidationFailed(
            {"text": [_("Paste ids, e-mail addresses or member numbers, one per line.")]},
            code="empty_import",
        )
    if len(tokens) > MAX_IDS:
        raise ValidationFailed(
            {"text": [_("Import at most %(count)s lines at a time.") % {"count": MAX_IDS}]},
            code="too_many_lines",
        )
    matched: dict[str, int] = {}
    emails = {normalize_email(t): t for t in tokens if "@" in t}
    for address, person_id in EmailAddress.objects.filter(
        address__in=list(emails), person__isnull=False
    ).values_list("address", "person_id"):
        matched.setdefault(emails[address], person_id)
    others = [t for t in tokens if "@" not in t]
    numbers = [int(t) for t in others if t.isdigit() and len(t) < 19]
    for pk in Person.objects.filter(pk__in=numbers).values_list("pk", flat=True):
        matched.setdefault(str(pk), pk)
    rest = [t for t in others if t not in matched]
    if rest:
        by_number = Person.objects.filter(
            **{f"custom_fields__{MEMBER_NUMBER_KEY}__in": rest}
        ).values_list("pk", f"custom_fields__{MEMBER_NUMBER_KEY}")
        for pk, number in by_number:
            matched.setdefault(str(number), pk)
    change = add_members(
        actor=actor, segment=segment, person_ids=list(dict.fromkeys(matched.values()))
    )
    change.not_found = [t for t in tokens if t not in matched] + change.not_found
    return change
