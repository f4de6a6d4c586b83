"""Permission-aware reads of duplicate candidates and merges, and the probable-duplicate
check used while a customer is created or imported."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from daifuku.accounts.permissions import CHANGE, VIEW, owned_scope, restrict, sees_everything
from daifuku.core.japanese import (
    normalize_email,
    normalize_phone,
    normalize_postal_code,
    reading_collation_key,
)
from daifuku.core.pagination import keyset_page

from ..models import (
    Company,
    DuplicateGroup,
    DuplicateMember,
    EmailAddress,
    MergeJournal,
    MergeJournalEntry,
    Person,
    PhoneNumber,
)
from ..validation import Errors, parse_date
from .records import load_people
from .scoring import PROBABLE_THRESHOLD, person_record, score_people


def group_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """A reviewer sees the groups whose every record they may change (they could not merge
    the others); managers and admins see all."""
    if sees_everything(user):
        return queryset
    scope = owned_scope(user)
    foreign = DuplicateMember.objects.filter(group=OuterRef("pk")).filter(
        Q(person__isnull=False) & ~Q(person__in=Person.objects.filter(scope))
        | Q(company__isnull=False) & ~Q(company__in=Company.objects.filter(scope))
    )
    return queryset.filter(~Exists(foreign))


def journal_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if sees_everything(user):
        return queryset
    people = Person.all_objects.filter(owned_scope(user)).values("pk")
    companies = Company.all_objects.filter(owned_scope(user)).values("pk")
    return queryset.filter(
        Q(entity_type="person", survivor_id__in=people)
        | Q(entity_type="company", survivor_id__in=companies)
    )


def groups_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(DuplicateGroup.objects.all(), user, action)


def list_groups(
    user, *, entity_type: str = "", status: str = "open", cursor: str | None = None, size: int = 25
):
    """The review queue: strongest candidates first."""
    qs = groups_queryset(user).filter(status=status)
    if entity_type:
        qs = qs.filter(entity_type=entity_type)
    return keyset_page(qs, ["-score", "id"], cursor=cursor, size=size)


def moved_row_ids(journal_id: int, model: str, field: str) -> list[int]:
    """The rows of ``model`` (a label, "activities.touch") whose ``field`` a merge moved:
    what a ``customer.unmerging`` participant moves back itself."""
    return list(
        MergeJournalEntry.objects.filter(
            journal_id=journal_id, model=model, action="moved", field=field
        ).values_list("row_id", flat=True)
    )


def open_groups(entity_type: str, *, limit: int) -> list[DuplicateGroup]:
    """The open candidate groups of people or companies, strongest first, for the operator
    (``daifuku dedup list``: no signed-in user to restrict them for)."""
    return list(
        DuplicateGroup.objects.filter(status="open", entity_type=entity_type).order_by(
            "-score", "id"
        )[:limit]
    )


def get_group(user, pk, action: str = VIEW) -> DuplicateGroup:
    group = groups_queryset(user, action).filter(pk=_int(pk)).first()
    if group is None:
        raise Http404
    return group


def get_journal(user, pk, action: str = CHANGE) -> MergeJournal:
    journal = restrict(MergeJournal.objects.all(), user, action).filter(pk=_int(pk)).first()
    if journal is None:
        raise Http404
    return journal


def journals_for(user, entity_type: str, pk: int) -> QuerySet:
    return restrict(
        MergeJournal.objects.filter(entity_type=entity_type, survivor_id=pk), user, VIEW
    )


def members_of(group: DuplicateGroup) -> list:
    """The group's records, in the group's order, with their emails and phones prefetched."""
    model = Person if group.entity_type == "person" else Company
    found = {
        o.pk: o
        for o in model.objects.filter(pk__in=group.member_ids).prefetch_related(
            "emails", "phones", "tags"
        )
    }
    return [found[pk] for pk in group.member_ids if pk in found]


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# --- probable duplicates while creating --------------------------------------------------

CHECK_LIMIT = 5


def probable_duplicates(
    user, data: dict[str, Any], *, exclude_id: int | None = None
) -> list[dict[str, Any]]:
    """People that the person described by ``data`` (form or API fields: names, kana,
    birthday, postal code, emails/phones) probably is, best first, visible to ``user``:
    ``[{"person": Person, "score": 87, "reasons": ["email", "kana"]}]``."""
    emails = [normalize_email(str(e)) for e in _list(data, "email") if str(e).strip()]
    phones = [p.e164 for p in (normalize_phone(str(n)) for n in _list(data, "phone")) if p]
    kana = reading_collation_key(
        data.get("family_kana"), data.get("given_kana")
    )  # as sort_kana holds it
    errors = Errors()
    birthday = parse_date(data.get("birthday"), "birthday", errors)
    postal = normalize_postal_code(data.get("postal_code") or "") or ""
    ids: set[int] = set()
    if emails:
        ids |= set(
            EmailAddress.objects.filter(address__in=emails, person__isnull=False).values_list(
                "person_id", flat=True
            )[:50]
        )
    if phones:
        ids |= set(
            PhoneNumber.objects.filter(e164__in=phones, person__isnull=False).values_list(
                "person_id", flat=True
            )[:50]
        )
    if kana and (birthday or postal):
        match = Q(birthday=birthday) if birthday else Q()
        if postal:
            match = match | Q(postal_code=postal) if birthday else Q(postal_code=postal)
        ids |= set(Person.objects.filter(match, sort_kana=kana).values_list("pk", flat=True)[:50])
    elif data.get("family_name") and (birthday or postal):
        ids |= set(
            Person.objects.filter(
                Q(birthday=birthday) if birthday else Q(postal_code=postal),
                family_name=data.get("family_name"),
                given_name=data.get("given_name") or "",
            ).values_list("pk", flat=True)[:50]
        )
    ids.discard(exclude_id)
    if not ids:
        return []
    visible = set(
        restrict(Person.objects.filter(pk__in=ids), user, VIEW).values_list("pk", flat=True)
    )
    records = load_people(visible)
    me = person_record(
        id=None,
        family_name=data.get("family_name") or "",
        given_name=data.get("given_name") or "",
        family_kana=data.get("family_kana") or "",
        given_kana=data.get("given_kana") or "",
        birthday=birthday,
        postal_code=postal,
        address_line=data.get("address_line") or "",
        emails=emails,
        phones=phones,
    )
    scored = []
    for pk, record in records.items():
        score, reasons = score_people(me, record)
        if score >= PROBABLE_THRESHOLD or {"email", "phone"} & set(reasons):
            scored.append((score, pk, reasons))
    scored.sort(key=lambda item: (-item[0], item[1]))
    people = Person.objects.in_bulk([pk for _s, pk, _r in scored[:CHECK_LIMIT]])
    return [
        {
            "person": people[pk],
            "score": score,
            "reasons": reasons,
            "email": next(iter(sorted(records[pk].emails)), ""),
        }
        for score, pk, reasons in scored[:CHECK_LIMIT]
        if pk in people
    ]


def _list(data, singular: str) -> list:
    value = data.get(singular + "s")
    if value is None:
        value = data.get(singular)
    if value is None:
        return []
    if isinstance(value, str):
        return [line for line in value.replace(",", "\n").splitlines() if line.strip()]
    return [v.get("address") or v.get("number") if isinstance(v, dict) else v for v in value]


def visible_candidates(user, model, ids) -> set[int]:
    """The alive records among ``ids`` (people or companies) that ``user`` may see: the
    last step of a probable-duplicate lookup made for many new records at once (an
    import's dry run). A system actor (a string such as ``"command"``) sees every record."""
    ids = sorted(set(ids))
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        queryset = model.objects.filter(pk__in=ids[start : start + 900])
        if not isinstance(user, str):
            queryset = restrict(queryset, user, VIEW)
        found.update(queryset.values_list("pk", flat=True))
    return found
