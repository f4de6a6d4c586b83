"""Every user-visible read of the customer ledger (DESIGN.md convention 2): each query
passes through ``restrict`` so what a user may not see simply is not there (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.lookups import Exact
from django.http import Http404

from daifuku.accounts.models import User
from daifuku.accounts.permissions import VIEW, restrict
from daifuku.core import search
from daifuku.core.japanese import (
    normalize_text,
    phone_digits,
    romaji_to_katakana,
    split_company_name,
)
from daifuku.core.models import SearchDocument
from daifuku.core.pagination import capped_count, decode_cursor, encode_cursor, keyset_page

from .models import (
    Company,
    Consent,
    Contact,
    CustomFieldDefinition,
    EmailAddress,
    HouseholdMember,
    Person,
    PhoneNumber,
    Tag,
)
from .search_index import COMPANY, PERSON

PERSON_SORTS = {
    "kana": ["sort_kana", "id"],
    "-kana": ["-sort_kana", "-id"],
    "created": ["-created_at", "-id"],
    "updated": ["-updated_at", "-id"],
}
SEARCH_CANDIDATE_CAP = 1000


def _primary(model, owner_field: str, value_field: str):
    return Subquery(
        model.objects.filter(**{owner_field: OuterRef("pk"), "is_primary": True}).values(value_field)[:1]
    )


def people_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Person.objects.all(), user, action)


def companies_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Company.objects.all(), user, action)


def get_person(user, pk, action: str = VIEW) -> Person:
    person = people_queryset(user, action).select_related("owner", "team").filter(pk=_int(pk)).first()
    if person is None:
        raise Http404
    return person


def get_company(user, pk, action: str = VIEW) -> Company:
    company = companies_queryset(user, action).select_related("owner", "team").filter(pk=_int(pk)).first()
    if company is None:
        raise Http404
    return company


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def with_list_columns(qs: QuerySet, owner_field: str) -> QuerySet:
    """Primary email and phone as columns of the same query (no N+1, no extra query)."""
    return qs.select_related("owner").annotate(
        primary_email=_primary(EmailAddress, owner_field, "address"),
        primary_phone=_primary(PhoneNumber, owner_field, "number"),
    ).prefetch_related("tags")


def _owner_is(owner_id: int) -> Exact:
    """``owner_id = X`` as an expression: the plain ``filter(owner_id=X)`` turns the list's
    ``select_related("owner")`` into an INNER JOIN, which SQLite then reorders to scan the
    users first and sort every customer of the owner (0.6 s for a rep owning 1M); with
    the LEFT JOIN kept, the page walks ``person_owner_kana_idx`` in 五十音順."""
    return Exact(F("owner_id"), owner_id)


@dataclass
class PersonFilters:
    q: str = ""
    owner: int | None = None
    team: int | None = None
    lifecycle: str = ""
    stage: str = ""
    tag: int | None = None
    prefecture: str = ""

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.owner:
            qs = qs.filter(_owner_is(self.owner))
        if self.team:
            qs = qs.filter(team_id=self.team)
        if self.lifecycle:
            qs = qs.filter(lifecycle=self.lifecycle)
        if self.stage:
            qs = qs.filter(relationship_stage=self.stage)
        if self.tag:
            qs = qs.filter(tags__id=self.tag)
        if self.prefecture:
            qs = qs.filter(prefecture=self.prefecture)
        return qs

    @property
    def structured(self) -> bool:
        return any((self.owner, self.team, self.lifecycle, self.stage, self.tag, self.prefecture))

    def search_ids(self) -> tuple[list[int], bool]:
        """People matching ``q`` (at most SEARCH_CANDIDATE_CAP, and whether there are more),
        searched once per request however many times the list and its count ask."""
        if not hasattr(self, "_search_ids"):
            hits, more = search_hits(self.q, types=(PERSON,), limit=SEARCH_CANDIDATE_CAP)
            self._search_ids = ([hit.entity_id for hit in hits], more)
        return self._search_ids


def list_people(user, filters: PersonFilters, *, sort: str = "kana", cursor: str | None = None,
                size: int = 25, backwards: bool = False):
    """A page of people for the list and the API: at most four queries whatever the size
    (page, tags; capped count in the view)."""
    qs = filters.apply(people_queryset(user))
    if filters.q:
        qs = qs.filter(pk__in=filters.search_ids()[0])
    ordering = PERSON_SORTS.get(sort, PERSON_SORTS["kana"])
    return keyset_page(with_list_columns(qs, "person"), ordering, cursor=cursor, size=size, backwards=backwards)


PERSON_ROW_FIELDS = ("id", "family_name", "given_name", "family_kana", "given_kana", "prefecture", "city",
                     "lifecycle", "relationship_stage", "owner_id", "version", "updated_at")


def list_people_rows(user, filters: PersonFilters, *, sort: str = "kana", cursor: str | None = None,
                     size: int = 25):
    """The page :func:`list_people` returns (same permissions, filters, order and cursor)
    as plain dicts for the API, in two queries: the page from one table (``.values()``, no
    model instances, no joins the planner could reorder), then primary e-mail, primary
    phone, tags and owner usernames of its rows in one ``UNION ALL``. Each row gains
    ``email``, ``phone``, ``tags`` (by name) and ``owner`` (username or None)."""
    qs = filters.apply(people_queryset(user))
    if filters.q:
        qs = qs.filter(pk__in=filters.search_ids()[0])
    ordering = PERSON_SORTS.get(sort, PERSON_SORTS["kana"])
    extra = [name.lstrip("-") for name in ordering if name.lstrip("-") not in PERSON_ROW_FIELDS]
    page = keyset_page(qs.values(*PERSON_ROW_FIELDS, *extra), ordering, cursor=cursor, size=size)
    _attach_list_extras(page.items)
    return page


def _attach_list_extras(rows: list[dict]) -> None:
    for row in rows:
        row["email"] = row["phone"] = row["owner"] = None
        row["tags"] = []
    if not rows:
        return
    by_id = {row["id"]: row for row in rows}
    owners = sorted({row["owner_id"] for row in rows if row["owner_id"]})
    ids = list(by_id)
    marks = ", ".join(["%s"] * len(ids))
    tags_table = Person.tags.through._meta.db_table
    parts = [
        f"SELECT 1, person_id, address, id FROM {EmailAddress._meta.db_table} WHERE is_primary AND person_id IN ({marks})",
        f"SELECT 2, person_id, number, id FROM {PhoneNumber._meta.db_table} WHERE is_primary AND person_id IN ({marks})",
        f"SELECT 3, pt.person_id, t.name, t.id FROM {tags_table} pt JOIN {Tag._meta.db_table} t ON t.id = pt.tag_id "
        f"WHERE pt.person_id IN ({marks})",
    ]
    params = ids * 3
    if owners:
        parts.append(f"SELECT 4, id, username, id FROM {User._meta.db_table} WHERE id IN ({', '.join(['%s'] * len(owners))})")
        params += owners
    usernames: dict[int, str] = {}
    firsts: dict[tuple[int, int], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = cursor.fetchall()
    for kind, key, value, row_id in found:
        if kind == 3:
            by_id[key]["tags"].append(value)
        elif kind == 4:
            usernames[key] = value
        elif firsts.get((kind, key), row_id + 1) > row_id:  # the lowest id, as the list's subquery
            firsts[(kind, key)] = row_id
            by_id[key]["email" if kind == 1 else "phone"] = value
    for row in rows:
        row["tags"].sort()
        row["owner"] = usernames.get(row["owner_id"])


def count_people(user, filters: PersonFilters, cap: int = 1000) -> tuple[int, bool]:
    """How many people the list holds, counting at most ``cap``; a plain search needs no
    count query at all (the search already knows its hits)."""
    qs = filters.apply(people_queryset(user))
    if filters.q:
        ids, more = filters.search_ids()
        if not filters.structured:
            return min(len(ids), cap), more or len(ids) > cap
        qs = qs.filter(pk__in=ids)
    return capped_count(qs, cap)


def list_companies(user, *, q: str = "", owner: int | None = None, cursor=None, size=25, sort="kana", backwards=False):
    qs = companies_queryset(user)
    if owner:
        qs = qs.filter(_owner_is(owner))
    if q:
        ids = [hit.entity_id for hit in search_hits(q, types=(COMPANY,), limit=SEARCH_CANDIDATE_CAP)[0]]
        qs = qs.filter(pk__in=ids)
    ordering = PERSON_SORTS.get(sort, PERSON_SORTS["kana"])
    return keyset_page(with_list_columns(qs, "company"), ordering, cursor=cursor, size=size, backwards=backwards)


# --- search ----------------------------------------------------------------------------


@dataclass
class SearchResult:
    type: str
    id: int
    display_name: str
    kana: str
    obj: Any = field(repr=False, default=None)


def _looks_like_phone(text: str) -> bool:
    digits = phone_digits(text)
    stripped = "".join(ch for ch in text if ch not in "0123456789+-() 　‐ー−")
    return len(digits) >= 3 and not stripped


def search_hits(query: str, *, types=(PERSON, COMPANY), after: tuple[int, int] | None = None,
                limit: int = 20) -> tuple[list[search.Hit], bool]:
    """Hits for a search box query in 五十音順: by name/kana (n-gram index), romaji (as
    kana), email (address or domain prefix) and phone (first or last digits)."""
    text = normalize_text(query)
    if not text:
        return [], False
    found: dict[tuple[int, int], search.Hit] = {}
    want = limit + 1
    # E-mail and phone fragments match in address/number order, not 五十音順: a first page
    # needs only ``want`` of them (a common domain has 170k addresses at a million people,
    # and sorting them all by reading cost 0.1–1 s); later pages look further ahead.
    cap = want if after is None else max(want, SEARCH_CANDIDATE_CAP)
    if _looks_like_phone(text):
        keys = _phone_owners(phone_digits(text), types, cap)
        found.update(_documents_for(keys))
    else:
        name_query = text
        if COMPANY in types:
            parsed = split_company_name(text)
            if parsed.legal_form and parsed.base:
                name_query = parsed.base
        for hit in search.search(name_query, entity_types=types, after=after, limit=want):
            found[(hit.entity_type, hit.entity_id)] = hit
        if text.isascii():
            kana = romaji_to_katakana(text)
            if kana:
                for hit in search.search(kana, entity_types=types, after=after, limit=want):
                    found[(hit.entity_type, hit.entity_id)] = hit
            if any(ch.isalnum() for ch in text) and ("@" in text or "." in text or len(text) >= 3):
                found.update(_documents_for(_email_owners(text.lower(), types, cap), skip=found))
    hits = sorted(found.values(), key=lambda h: (h.sort_key, h.document_id))
    if after is not None:
        hits = [h for h in hits if (h.sort_key, h.document_id) > tuple(after)]
    return hits[:limit], len(hits) > limit


def _prefix(qs: QuerySet, column: str, prefix: str) -> QuerySet:
    # A range instead of LIKE 'x%': an index range on both databases, no escaping.
    return qs.filter(**{f"{column}__gte": prefix, f"{column}__lt": prefix + "\uffff"})


def _owners(qs: QuerySet, types, cap: int) -> set[tuple[int, int]]:
    keys: set[tuple[int, int]] = set()
    # order_by(): without it the models' default ordering (-is_primary, id) sorts every
    # match before the cap applies — 1.2 s for a common domain at a million people.
    for person_id, company_id in qs.order_by().values_list("person_id", "company_id")[:cap]:
        if person_id and PERSON in types:
            keys.add((PERSON, person_id))
        if company_id and COMPANY in types:
            keys.add((COMPANY, company_id))
    return keys


def _email_owners(text: str, types, cap: int) -> set[tuple[int, int]]:
    if text.startswith("@"):
        qs = _prefix(EmailAddress.objects.all(), "domain", text[1:])
    elif "@" in text:
        qs = _prefix(EmailAddress.objects.all(), "address", text)
    else:
        return _owners(_prefix(EmailAddress.objects.all(), "address", text), types, cap) | _owners(
            _prefix(EmailAddress.objects.all(), "domain", text), types, cap)
    return _owners(qs, types, cap)


def _phone_owners(digits: str, types, cap: int) -> set[tuple[int, int]]:
    keys = _owners(_prefix(PhoneNumber.objects.all(), "digits", digits), types, cap)
    if len(digits) <= 4:  # 電話番号の下4桁: the last digits are how shops look people up
        keys |= _owners(_prefix(PhoneNumber.objects.all(), "digits_reversed", digits[::-1]), types, cap)
    return keys


def _documents_for(keys: set[tuple[int, int]], skip=()) -> dict[tuple[int, int], search.Hit]:
    keys = {k for k in keys if k not in skip}
    result: dict[tuple[int, int], search.Hit] = {}
    for entity_type in (PERSON, COMPANY):
        ids = [entity_id for t, entity_id in keys if t == entity_type]
        if not ids:
            continue
        for doc in SearchDocument.objects.filter(entity_type=entity_type, entity_id__in=ids).only(
            "id", "entity_type", "entity_id", "sort_key"
        ):
            result[(doc.entity_type, doc.entity_id)] = search.Hit(doc.entity_type, doc.entity_id, doc.sort_key, doc.id)
    return result


def search_customers(user, query: str, *, types=("person", "company"), cursor: str | None = None,
                     limit: int = 20) -> tuple[list[SearchResult], str | None]:
    """What the search box and ``GET /api/v1/customers?search=`` return."""
    type_codes = tuple(code for code, name in ((PERSON, "person"), (COMPANY, "company")) if name in types)
    after = tuple(decode_cursor(cursor, 2)) if cursor else None
    hits, more = search_hits(query, types=type_codes, after=after, limit=limit)
    people = {p.pk: p for p in people_queryset(user).filter(pk__in=[h.entity_id for h in hits if h.entity_type == PERSON])} \
        if any(h.entity_type == PERSON for h in hits) else {}
    companies = {c.pk: c for c in companies_queryset(user).filter(pk__in=[h.entity_id for h in hits if h.entity_type == COMPANY])} \
        if any(h.entity_type == COMPANY for h in hits) else {}
    results = []
    for hit in hits:
        if hit.entity_type == PERSON and hit.entity_id in people:
            p = people[hit.entity_id]
            results.append(SearchResult("person", p.pk, p.display_name, p.full_kana, p))
        elif hit.entity_type == COMPANY and hit.entity_id in companies:
            c = companies[hit.entity_id]
            results.append(SearchResult("company", c.pk, c.display_name, c.kana, c))
    next_cursor = encode_cursor(list(hits[-1].cursor)) if more and hits else None
    return results, next_cursor


# --- 360° view ---------------------------------------------------------------------------


def person_360(user, pk) -> dict[str, Any]:
    """Everything the customer page shows in one go: profile, contact points, family,
    companies, tags, consent, custom fields. The timeline is fetched separately so it
    can page on its own."""
    person = get_person(user, pk)
    context = {
        "person": person,
        "emails": list(person.emails.all()),
        "phones": list(person.phones.all()),
        "tags": list(person.tags.all()),
        "household": list(HouseholdMember.objects.filter(person=person).select_related("linked_person")),
        "contacts": list(Contact.objects.filter(person=person, company__deleted_at__isnull=True).select_related("company")),
        "consents": {c.channel: c for c in Consent.objects.filter(person=person)},
        "stage_changes": list(person.stage_changes.all()),
        "custom_definitions": list(CustomFieldDefinition.objects.filter(target="person", is_active=True)),
    }
    return context


def company_360(user, pk) -> dict[str, Any]:
    company = get_company(user, pk)
    return {
        "company": company,
        "emails": list(company.emails.all()),
        "phones": list(company.phones.all()),
        "tags": list(company.tags.all()),
        "contacts": list(
            Contact.objects.filter(company=company, person__deleted_at__isnull=True)
            .select_related("person").prefetch_related(Prefetch("person__phones"))
        ),
        "custom_definitions": list(CustomFieldDefinition.objects.filter(target="company", is_active=True)),
    }


def trash(user, kind: str = "person") -> QuerySet:
    model = Person if kind == "person" else Company
    return restrict(model.all_objects.filter(deleted_at__isnull=False), user, "delete").order_by("-deleted_at")
