"""The customer ledger's people and companies: their lists, pages (360°) and trash. Each query
passes through ``restrict`` so what a user may not see simply is not there (404)."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from daifuku.accounts.permissions import VIEW, restrict
from daifuku.core import search
from daifuku.core.fixed_query import FixedQuery
from daifuku.core.pagination import (
    Page,
    capped_count,
    encode_cursor,
    filtered_keyset_page,
    keyset_page,
)

from .. import list_extensions
from ..models import (
    Company,
    Consent,
    Contact,
    CustomFieldDefinition,
    EmailAddress,
    HouseholdMember,
    Person,
    PhoneNumber,
    RelationshipStageChange,
    Tag,
)
from ..search_index import COMPANY, PERSON
from .page import (
    PERSON_SORTS,
    PersonFilters,
    _owner_is,
    ids_condition,
    person_condition,
    rows_page,
    scope,
    select_rows,
)
from .search import (
    SEARCH_CANDIDATE_CAP,
    hit_cursor,
    search_hits,
)


def _primary(model, owner_field: str, value_field: str):
    return Subquery(
        model.objects.filter(**{owner_field: OuterRef("pk"), "is_primary": True}).values(
            value_field
        )[:1]
    )


def people_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Person.objects.all(), user, action)


def every_live_person() -> QuerySet:
    """Every person not in the trash, for the system itself (``daifuku export``'s full
    backup run by the operator): no user's read rules apply."""
    return Person.objects.all()


def companies_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Company.objects.all(), user, action)


def get_person(user, pk, action: str = VIEW) -> Person:
    # [:1] rather than first(): no ORDER BY to compile for a primary-key lookup
    found = list(
        people_queryset(user, action).select_related("owner", "team").filter(pk=_int(pk))[:1]
    )
    if not found:
        raise Http404
    return found[0]


def get_company(user, pk, action: str = VIEW) -> Company:
    # [:1] rather than first(): no ORDER BY to compile for a primary-key lookup
    found = list(
        companies_queryset(user, action).select_related("owner", "team").filter(pk=_int(pk))[:1]
    )
    if not found:
        raise Http404
    return found[0]


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def with_list_columns(qs: QuerySet, owner_field: str, *, prefetch_tags: bool = True) -> QuerySet:
    """Primary email and phone as columns of the same query (no N+1, no extra query)."""
    qs = qs.select_related("owner").annotate(
        primary_email=_primary(EmailAddress, owner_field, "address"),
        primary_phone=_primary(PhoneNumber, owner_field, "number"),
    )
    return qs.prefetch_related("tags") if prefetch_tags else qs


class TagLabel(NamedTuple):
    name: str
    color: str


def _with_tag_labels(page: Page) -> Page:
    """Each person of the page gets ``tag_labels`` (name and colour, by name), read in one
    query: a prefetch and a related manager per row cost a fifth of a 100-row list."""
    by_person: dict[int, list[TagLabel]] = {person.pk: [] for person in page.items}
    if by_person:
        links = Person.tags.through.objects.filter(person_id__in=list(by_person)).order_by(
            "tag__name"
        )
        for person_id, name, color in links.values_list("person_id", "tag__name", "tag__color"):
            by_person[person_id].append(TagLabel(name, color))
    for person in page.items:
        person.tag_labels = by_person[person.pk]
    return page


def list_people(
    user,
    filters: PersonFilters,
    *,
    sort: str = "kana",
    cursor: str | None = None,
    size: int = 25,
    backwards: bool = False,
    rows: bool = False,
) -> Page:
    """A page of the people list — the screen's and the API's, one path: the same
    permissions, filters, order and cursors; only what a row is differs.

    Which people, in which order: a search in 五十音順 pages straight from the search's
    hits (:func:`_search_page`); a search sorted otherwise that matches more than its
    window walks the list in its own order (:func:`_search_sorted_otherwise`); anything
    else pages the table with the search's candidates as a condition.

    What a row is: model instances with primary e-mail and phone and ``tag_labels`` for
    the screen (at most four queries whatever the size: page, tags; the capped count in
    the view); with ``rows``, plain dicts for the API (forwards only) in one statement
    besides the search's — the page by hand-written SQL (:mod:`.page`: compiling the ORM
    query cost more CPU than running it) with each row's extras in the same statement,
    ``email``, ``phone`` (primary), ``tags`` (by name), ``owner`` (username or None) and
    ``updated_at_json`` (see :func:`.page.select_rows`). Sort keys other domains registered
    (``customers.list_extensions``: LTV, rank …) order the screen's list; the API's rows
    keep the built-in sorts."""
    if rows and backwards:
        raise ValueError("the rows of the people list page forwards only")
    base = people_queryset(user)
    ordering = PERSON_SORTS.get(sort, PERSON_SORTS["kana"])
    if filters.q and sort == "kana":
        # counted: the screen counts the list too, and the count's search serves the page
        page = _search_page(
            user, filters, cursor=cursor, size=size, backwards=backwards, counted=not rows
        )
        ids, among = page.items, base
    elif filters.q and _search_window(user, filters)[1]:
        # more matches than the window: walk the list in its own order
        among, ordering = sorted_by(filters.apply(base), sort)
        page = _search_sorted_otherwise(
            user, filters, among, ordering, cursor=cursor, size=size, backwards=backwards
        )
        ids = [row["id"] for row in page.items]
    elif rows:
        return _plain_rows_page(user, filters, base, ordering, cursor=cursor, size=size)
    else:
        qs, ordering = sorted_by(filters.apply(base), sort)
        if filters.q:
            qs = qs.filter(pk__in=_search_candidates(user, filters))
        qs = _list_columns_only(qs, ordering)
        return _with_tag_labels(
            keyset_page(qs, ordering, cursor=cursor, size=size, backwards=backwards)
        )
    if rows:
        page.items = _rows_in_order(ids, scope(base), base)
        return page
    people = {p.pk: p for p in _list_columns_only(among.filter(pk__in=ids), ordering)}
    page.items = [people[pk] for pk in ids if pk in people]
    return _with_tag_labels(page)


def sorted_by(qs: QuerySet, sort: str) -> tuple[QuerySet, list[str]]:
    """``qs`` ready for ``sort`` and its keyset ordering: a built-in sort of the people
    table, or a sort key another domain registered (annotated on the queryset)."""
    extension = list_extensions.sort(sort)
    if extension is not None:
        return qs.annotate(**{extension.alias: extension.expression()}), extension.ordering
    return qs, PERSON_SORTS.get(sort, PERSON_SORTS["kana"])


def _search_sorted_otherwise(
    user,
    filters: PersonFilters,
    qs: QuerySet,
    ordering,
    *,
    cursor,
    size: int,
    backwards: bool = False,
) -> Page:
    """A searched list sorted by something other than the reading (newest first …) when
    the search matches more people than its window holds: the list is walked in its own
    order and each chunk of it checked against the search in one statement (the search
    reads those people's documents), so the page shows the newest matches of all of them
    — not the newest of the first thousand in 五十音順. Rows are ``{"id", <sort fields>}``."""
    fields = ["id", *(name.lstrip("-") for name in ordering if name.lstrip("-") != "id")]

    def matching(rows: list[dict]) -> set[int]:
        ids = [row["id"] for row in rows]
        hits, _more = search_hits(filters.q, types=(PERSON,), among=ids, limit=len(ids))
        return {hit.entity_id for hit in hits}

    return filtered_keyset_page(
        qs.values(*fields),
        ordering,
        matching,
        cursor=cursor,
        size=size,
        backwards=backwards,
        chunk=SORTED_SEARCH_CHUNK,
    )


SORTED_SEARCH_CHUNK = (
    5000  # people checked against the search per statement (as many as `among` is for)
)


# What a row of the people list shows (the template, the owner's name as User.__str__
# writes it); the other columns, half of them timestamps that PostgreSQL's driver converts
# in Python one by one, are not read.
LIST_PERSON_FIELDS = (
    "id",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "prefecture",
    "city",
    "lifecycle",
    "relationship_stage",
    "owner",
    "owner__username",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
)


def _list_columns_only(qs: QuerySet, ordering) -> QuerySet:
    # an annotated sort key (another domain's, list_extensions) is read with the row anyway
    sort_fields = [
        name.lstrip("-") for name in ordering if name.lstrip("-") not in qs.query.annotations
    ]
    return with_list_columns(qs, "person", prefetch_tags=False).only(
        *LIST_PERSON_FIELDS, *sort_fields
    )


# updated_at comes as JSON text with the extras (converting it to a datetime and back cost
# more than the rest of a row); a page sorted by it reads the datetime for its cursor.
PERSON_ROW_FIELDS = (
    "id",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "prefecture",
    "city",
    "lifecycle",
    "relationship_stage",
    "owner_id",
    "version",
)


def _plain_rows_page(
    user, filters: PersonFilters, base: QuerySet, ordering, *, cursor: str | None, size: int
) -> Page:
    """The API's page of a list that is not walked in the search's order: hand-written SQL
    on the people table with the user's scope ANDed in, or the ORM when the scope needs
    another table."""
    where = scope(base)
    if where is not None:
        conditions = [where, *filters.conditions()]
        if filters.q:
            conditions.append(ids_condition(_search_candidates(user, filters)))
        return rows_page(
            conditions, PERSON_ROW_FIELDS, ordering, cursor=cursor, size=size, extras=True
        )
    # a permission policy that joins other tables: the ORM writes the page's query
    qs = filters.apply(base)
    if filters.q:
        qs = qs.filter(pk__in=_search_candidates(user, filters))
    fields = ["id", *(name.lstrip("-") for name in ordering if name.lstrip("-") != "id")]
    page = keyset_page(qs.values(*fields), ordering, cursor=cursor, size=size)
    page.items = _rows_in_order([row["id"] for row in page.items], None, base)
    return page


def _rows_in_order(ids: list[int], where, base: QuerySet) -> list[dict]:
    """The list rows (with extras) of the people ``ids`` the user may see, in that order."""
    if where is None:  # the policy needs the ORM: it says which of them may be shown
        ids = list(base.filter(pk__in=ids).values_list("pk", flat=True)) if ids else []
        where = ("1 = 1", [])
    found = select_rows([where, ids_condition(ids)], PERSON_ROW_FIELDS, extras=True) if ids else []
    by_id = {row["id"]: row for row in found}
    return [by_id[pk] for pk in ids if pk in by_id]


FEW_PEOPLE = 5000  # a filter leaving at most this many people is searched from its side


def _narrowing(user, filters: PersonFilters) -> dict:
    """How the search of a filtered list is narrowed to the people the filters (and the
    user's scope) leave, so it still pages in one search: a narrow filter (鳥取県, at most
    FEW_PEOPLE people) as the list of those people, whose documents the search reads
    (``among``); a broad one (東京都) as a condition checked on each hit while the search
    walks its postings in order (``within``). Walking the postings of 田 for the 51 in
    鳥取県 who are also interconnected cost 2.6 s on PostgreSQL at a million people;
    reading the documents of those 1,200 people, milliseconds. Nothing for a plain search
    (its rows are fetched through ``restrict`` anyway)."""
    if not filters.structured:
        return {}
    if not hasattr(filters, "_narrowing"):
        base = people_queryset(user)
        where = scope(base)
        if where is None:  # a policy that joins other tables: the ORM lists the people
            ids = list(filters.apply(base).values_list("pk", flat=True)[: FEW_PEOPLE + 1])
        else:
            ids = [
                row["id"]
                for row in select_rows(
                    [where, *filters.conditions()], ["id"], "LIMIT %s", [FEW_PEOPLE + 1]
                )
            ]
        if len(ids) <= FEW_PEOPLE:
            filters._narrowing = {"among": ids}
        elif where is None:
            sql, params = filters.apply(base).values("pk").query.sql_with_params()
            filters._narrowing = {"within": (f"{{entity_id}} IN ({sql})", list(params))}
        else:
            filters._narrowing = {"within": person_condition([where, *filters.conditions()])}
    return filters._narrowing


def _search_page(
    user,
    filters: PersonFilters,
    *,
    cursor: str | None,
    size: int,
    backwards: bool = False,
    counted: bool = False,
) -> Page:
    """A page of a searched list in the search's own order (五十音順 of the reading as the
    index keeps it) with the search's keyset cursor ``(sort_key, document_id)``: the hits
    after (or before) the cursor are the page, so a page costs its own hits, not the
    first thousand sorted again. ``items`` are person ids; the caller fetches the rows.

    ``counted``: the caller will also count the list (the HTML list does); the count
    needs the first SEARCH_CANDIDATE_CAP hits anyway, so pages inside them are cut from
    that one search instead of searching again (the list's query budget)."""
    position = hit_cursor(cursor)
    hits, more = (
        _window_page(user, filters, position, size, backwards) if counted else None
    ) or search_hits(
        filters.q,
        types=(PERSON,),
        after=None if backwards else position,
        before=position if backwards else None,
        limit=size,
        **_narrowing(user, filters),
    )
    next_cursor = encode_cursor(list(hits[-1].cursor)) if hits and (more or backwards) else None
    previous_cursor = (
        encode_cursor(list(hits[0].cursor))
        if hits and position and (more or not backwards)
        else None
    )
    return Page(
        items=[hit.entity_id for hit in hits],
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        has_next=more or backwards,
    )


def _window_page(user, filters: PersonFilters, position, size: int, backwards: bool):
    """``(hits, more)`` of the page from the first SEARCH_CANDIDATE_CAP hits, or None when
    the page reaches past them."""
    window, beyond = _search_window(user, filters)
    if backwards and position is not None:
        if beyond and (not window or position > window[-1].cursor):
            return None
        earlier = [hit for hit in window if hit.cursor < position]
        return earlier[-size:], len(earlier) > size
    later = window if position is None else [hit for hit in window if hit.cursor > position]
    if len(later) <= size and beyond:
        return None
    return later[:size], len(later) > size


def _search_window(user, filters: PersonFilters) -> tuple[list[search.Hit], bool]:
    """The first SEARCH_CANDIDATE_CAP people matching ``q`` and the filters in 五十音順
    (FILTERED_SEARCH_WINDOW with a broad filter), and whether there are more: what the list's count says, and the candidates of a list
    sorted by something else than the reading. Searched once per request however many
    times the list and its count ask."""
    if not hasattr(filters, "_window"):
        narrowing = _narrowing(user, filters)
        # A broad filter is checked on each hit of the walk: counting to a thousand
        # matches of 田中 in 東京都 probed ten thousand hits (50 ms SQLite, 120 ms
        # PostgreSQL at a million people); the list then says "more than 200".
        cap = FILTERED_SEARCH_WINDOW if "within" in narrowing else SEARCH_CANDIDATE_CAP
        filters._window = search_hits(filters.q, types=(PERSON,), limit=cap, **narrowing)
    return filters._window


FILTERED_SEARCH_WINDOW = 200


def _search_candidates(user, filters: PersonFilters) -> list[int]:
    return [hit.entity_id for hit in _search_window(user, filters)[0]]


def count_people(user, filters: PersonFilters, cap: int = 1000) -> tuple[int, bool]:
    """How many people the list holds, counting at most ``cap``; a plain search needs no
    count query at all (the search already knows its hits)."""
    if filters.q:  # the search is narrowed by the filters already (_narrowing)
        hits, more = _search_window(user, filters)
        return min(len(hits), cap), more or len(hits) > cap
    return capped_count(filters.apply(people_queryset(user)), cap)


def list_companies(
    user,
    *,
    q: str = "",
    owner: int | None = None,
    cursor=None,
    size=25,
    sort="kana",
    backwards=False,
):
    qs = companies_queryset(user)
    if owner:
        qs = qs.filter(_owner_is(owner))
    if q:
        ids = [
            hit.entity_id for hit in search_hits(q, types=(COMPANY,), limit=SEARCH_CANDIDATE_CAP)[0]
        ]
        qs = qs.filter(pk__in=ids)
    ordering = PERSON_SORTS.get(sort, PERSON_SORTS["kana"])
    return keyset_page(
        with_list_columns(qs, "company"), ordering, cursor=cursor, size=size, backwards=backwards
    )


# --- 360° view ---------------------------------------------------------------------------


def person_360(user, pk) -> dict[str, Any]:
    """Everything the customer page shows in one go: profile, contact points, family,
    companies, tags, consent, custom fields. The timeline is fetched separately so it
    can page on its own."""
    person = get_person(user, pk)
    return {
        "person": person,
        "emails": _PERSON_EMAILS(person.pk),
        "phones": _PERSON_PHONES(person.pk),
        "tags": _PERSON_TAGS(person.pk),
        "household": _PERSON_HOUSEHOLD(person.pk),
        "contacts": _PERSON_CONTACTS(person.pk),
        "consents": {c.channel: c for c in _PERSON_CONSENTS(person.pk)},
        "stage_changes": _PERSON_STAGE_CHANGES(person.pk),
        "custom_definitions": _ACTIVE_DEFINITIONS("person"),
    }


def stage_history(user, person_id) -> list[RelationshipStageChange]:
    """When a person visible to ``user`` reached each relationship stage, oldest first
    (404 for a person out of scope), with who changed it."""
    person = get_person(user, person_id)
    return list(
        RelationshipStageChange.objects.filter(person_id=person.pk).select_related("changed_by")
    )


# The 360° page's reads of what belongs to a person already fetched through restrict():
# compiled once (core.fixed_query), they cost a third of the CPU the ORM spent building them.
_PERSON_EMAILS = FixedQuery(lambda pk: EmailAddress.objects.filter(person_id=pk))
_PERSON_PHONES = FixedQuery(lambda pk: PhoneNumber.objects.filter(person_id=pk))
_PERSON_TAGS = FixedQuery(lambda pk: Tag.objects.filter(people=pk))
_PERSON_HOUSEHOLD = FixedQuery(
    lambda pk: HouseholdMember.objects.filter(person_id=pk).select_related("linked_person")
)
_PERSON_CONTACTS = FixedQuery(
    lambda pk: Contact.objects.filter(
        person_id=pk, company__deleted_at__isnull=True
    ).select_related("company")
)
_PERSON_CONSENTS = FixedQuery(lambda pk: Consent.objects.filter(person_id=pk))
_PERSON_STAGE_CHANGES = FixedQuery(lambda pk: RelationshipStageChange.objects.filter(person_id=pk))
_ACTIVE_DEFINITIONS = FixedQuery(
    lambda target: CustomFieldDefinition.objects.filter(target=target, is_active=True)
)


def company_360(user, pk) -> dict[str, Any]:
    """What the company page shows: profile, contact points, tags, the people who work
    there (not in the trash), custom fields. Compiled reads, as the person's page."""
    company = get_company(user, pk)
    return {
        "company": company,
        "emails": _COMPANY_EMAILS(company.pk),
        "phones": _COMPANY_PHONES(company.pk),
        "tags": _COMPANY_TAGS(company.pk),
        "contacts": _COMPANY_CONTACTS(company.pk),
        "custom_definitions": _ACTIVE_DEFINITIONS("company"),
    }


_COMPANY_EMAILS = FixedQuery(lambda pk: EmailAddress.objects.filter(company_id=pk))
_COMPANY_PHONES = FixedQuery(lambda pk: PhoneNumber.objects.filter(company_id=pk))
_COMPANY_TAGS = FixedQuery(lambda pk: Tag.objects.filter(companies=pk))
# The page shows each contact's name only (the person's phones were prefetched and unused)
_COMPANY_CONTACTS = FixedQuery(
    lambda pk: Contact.objects.filter(
        company_id=pk, person__deleted_at__isnull=True
    ).select_related("person")
)


def get_household_member(user, pk, action: str = VIEW) -> HouseholdMember:
    """A member of a person's household, for a user who may ``action`` that person (404
    otherwise)."""
    member = get_object_or_404(HouseholdMember, pk=pk)
    get_person(user, member.person_id, action)
    return member


def contacts(
    user, *, person_id: int | None = None, company_id: int | None = None, limit: int = 500
) -> list[Contact]:
    """The key-person links (a person at a company) the user may see both ends of."""
    qs = Contact.objects.select_related("person", "company").filter(
        person__in=people_queryset(user), company__in=companies_queryset(user)
    )
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    return list(qs[:limit])


def get_contact(user, pk, action: str = VIEW) -> Contact:
    """A key-person link, for a user who may ``action`` its person (404 otherwise)."""
    contact = get_object_or_404(Contact.objects.select_related("person", "company"), pk=pk)
    get_person(user, contact.person_id, action)
    return contact


def trash(user, kind: str = "person") -> QuerySet:
    model = Person if kind == "person" else Company
    return restrict(model.all_objects.filter(deleted_at__isnull=False), user, "delete").order_by(
        "-deleted_at"
    )
