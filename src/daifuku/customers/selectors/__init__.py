"""Every user-visible read of the customer ledger (docs/architecture.md convention 2): each query
passes through ``restrict`` so what a user may not see simply is not there (404).

* :mod:`.ledger` — people and companies: their lists, 360° pages and the trash;
* :mod:`.page` — the people list's filters, and its pages as plain rows from hand-written SQL;
* :mod:`.search` — the search box (names, readings, romaji, e-mail and phone fragments);
* :mod:`.reference` — tags, custom field definitions and the 名寄せ scan's progress.

The tuning constants (``FEW_PEOPLE``, ``SEARCH_CANDIDATE_CAP`` …) are read by the module that
defines or imports them: a test changes them there (``selectors.ledger``), not here.
"""

from .ledger import (
    FEW_PEOPLE,
    FILTERED_SEARCH_WINDOW,
    LIST_PERSON_FIELDS,
    PERSON_ROW_FIELDS,
    SORTED_SEARCH_CHUNK,
    TagLabel,
    companies_queryset,
    company_360,
    contacts,
    count_people,
    every_live_person,
    get_company,
    get_contact,
    get_household_member,
    get_person,
    list_companies,
    list_people,
    people_queryset,
    person_360,
    stage_history,
    trash,
    with_list_columns,
)
from .member_numbers import (
    ids_by_email,
    ids_by_member_number,
    ids_by_phone,
    people_with_member_number,
)
from .page import (
    PERSON_SORTS,
    PersonFilters,
    ids_condition,
    person_condition,
    rows_page,
    scope,
    select_rows,
)
from .search import SEARCH_CANDIDATE_CAP, SearchResult, hit_cursor, search_customers, search_hits

__all__ = [
    "FEW_PEOPLE",
    "FILTERED_SEARCH_WINDOW",
    "LIST_PERSON_FIELDS",
    "PERSON_ROW_FIELDS",
    "PERSON_SORTS",
    "SEARCH_CANDIDATE_CAP",
    "SORTED_SEARCH_CHUNK",
    "PersonFilters",
    "SearchResult",
    "TagLabel",
    "companies_queryset",
    "company_360",
    "contacts",
    "count_people",
    "get_company",
    "get_contact",
    "get_household_member",
    "get_person",
    "hit_cursor",
    "ids_by_email",
    "ids_by_member_number",
    "ids_by_phone",
    "ids_condition",
    "list_companies",
    "list_people",
    "every_live_person",
    "people_queryset",
    "people_with_member_number",
    "person_360",
    "person_condition",
    "rows_page",
    "scope",
    "search_customers",
    "search_hits",
    "select_rows",
    "stage_history",
    "trash",
    "with_list_columns",
]
