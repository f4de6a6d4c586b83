"""Application-maintained n-gram index for Japanese customer search.

Why not the databases' own full-text search: a two-character Japanese query (田中) is the
most common search in a Japanese CRM, and both FTS5 trigram and pg_trgm fall back to a full
scan for it. Here every searchable field is cut into character pairs (bigrams) and the
characters that are not kana into single characters (unigrams, for one-character queries
such as 森); each posting row is ``(gram, sort_key, document_id)`` with that primary key, so:

* a one- or two-character query is a single index range, already in 五十音順 order;
* a one-character kana query (た, ﾀ, タ) is a reading-prefix search — the 五十音 jump a
  paper ledger has: readings starting with タ are one range of the documents' sort keys
  (index ``search_doc_sort_idx``), so kana need no unigram postings (a third of them);
* a longer query leapfrogs over the posting lists of its bigrams (:mod:`.leapfrog`) and
  keeps the documents whose text really contains the query (``instr``/``strpos``);
* a query with no hits costs one index probe.

The same code and tables run on SQLite and PostgreSQL. Domain apps decide what text a
document holds (customers.search_index); this module only stores, removes and finds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter

from django.db import connection, transaction

from . import db, leapfrog, prepared
from .japanese import search_key
from .leapfrog import BACKLOG_TABLE, DOC_TABLE, GRAM_TABLE

FIELD_SEPARATOR = "\x1f"
_SORT_CHARS = 9
_SORT_LAST = (1 << 63) - 1  # documents without a reading sort after everything
_KANA_FIRST, _KANA_LAST = 0x30A1, 0x30FC  # ァ … ー


@dataclass(frozen=True)
class Hit:
    entity_type: int
    entity_id: int
    sort_key: int
    document_id: int

    @property
    def cursor(self) -> tuple[int, int]:
        return (self.sort_key, self.document_id)


def pack_sort_key(kana: str) -> int:
    """First nine characters of a katakana reading as a 63-bit integer that orders like the
    string: space (family/given boundary) < katakana in code-point order (アイウ…, voiced
    right after unvoiced) < anything else. Shorter readings sort first."""
    if not kana:
        return _SORT_LAST
    value = 0
    for index in range(_SORT_CHARS):
        if index < len(kana):
            char = kana[index]
            code = ord(char)
            if char == " ":
                digit = 1
            elif 0x30A1 <= code <= 0x30FC:
                digit = 2 + code - 0x30A1
            else:
                digit = 126
        else:
            digit = 0
        value = (value << 7) | digit
    return value


def is_kana_code(code: int) -> bool:
    """Katakana (what search_key folds every kana to), ・ and ー."""
    return _KANA_FIRST <= code <= _KANA_LAST


def grams_of(text: str) -> set[int]:
    """Unigrams and bigrams of one already-normalised field, as integers:
    a unigram is the code point (< 2**21), a bigram ``(c1 << 21) | c2`` (≥ 2**21).
    Kana get no unigram: a one-kana query is a reading-prefix search (:func:`search`)."""
    result: set[int] = set()
    previous = None
    for char in text:
        code = ord(char)
        if not _KANA_FIRST <= code <= _KANA_LAST:
            result.add(code)
        if previous is not None:
            result.add((previous << 21) | code)
        previous = code
    return result


def reading_prefix_range(kana: str) -> tuple[int, int]:
    """``[low, high)`` of the sort keys of readings that start with ``kana`` (at most
    nine characters; longer prefixes are cut, the caller verifies the rest)."""
    kana = kana[:_SORT_CHARS]
    low = pack_sort_key(kana)
    return low, low + (1 << (7 * (_SORT_CHARS - len(kana))))


def query_grams(key: str) -> list[int]:
    """The grams a normalised query must all contain, most selective kinds first."""
    if len(key) == 1:
        return [ord(key)]
    seen: list[int] = []
    for index in range(len(key) - 1):
        gram = (ord(key[index]) << 21) | ord(key[index + 1])
        if gram not in seen:
            seen.append(gram)
    return seen


def document_grams(fields: Sequence[str]) -> set[int]:
    grams: set[int] = set()
    for field in fields:
        grams |= grams_of(field)
    return grams


def _normalise_fields(fields: Iterable[str | None]) -> list[str]:
    return [key for key in (search_key(f) for f in fields if f) if key]


# --- writing ---------------------------------------------------------------------------


def index_document(
    entity_type: int, entity_id: int, fields: Iterable[str | None], sort_kana: str
) -> None:
    """Create or replace the document of one entity (called by domain services inside
    their transaction, so the index never disagrees with the data)."""
    normalised = _normalise_fields(fields)
    text = FIELD_SEPARATOR.join(normalised)
    sort_key = pack_sort_key(sort_kana)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, text, sort_key FROM {DOC_TABLE} WHERE entity_type = %s AND entity_id = %s",
            [entity_type, entity_id],
        )
        row = cursor.fetchone()
        if row and row[1] == text and row[2] == sort_key:
            return
        if row:
            document_id = row[0]
            _delete_postings(cursor, document_id, row[1], row[2])
            cursor.execute(
                f"UPDATE {DOC_TABLE} SET text = %s, sort_key = %s WHERE id = %s",
                [text, sort_key, document_id],
            )
        else:
            cursor.execute(
                f"INSERT INTO {DOC_TABLE} (entity_type, entity_id, text, sort_key) "
                "VALUES (%s, %s, %s, %s) RETURNING id",
                [entity_type, entity_id, text, sort_key],
            )
            document_id = cursor.fetchone()[0]
        grams = document_grams(normalised)
        if grams:
            cursor.executemany(
                f"INSERT INTO {GRAM_TABLE} (gram, sort_key, document_id) VALUES (%s, %s, %s)",
                [(gram, sort_key, document_id) for gram in grams],
            )


def remove_document(entity_type: int, entity_id: int) -> None:
    """Take an entity out of search (soft delete, merge)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, text, sort_key FROM {DOC_TABLE} WHERE entity_type = %s AND entity_id = %s",
            [entity_type, entity_id],
        )
        row = cursor.fetchone()
        if row:
            _delete_postings(cursor, row[0], row[1], row[2])
            cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE id = %s", [row[0]])


def _delete_postings(cursor, document_id: int, text: str, sort_key: int) -> None:
    # a document of a bulk load still running may have its postings in the backlog
    # (core.bulk_load): gone with them, or the merge would bring the old text's back
    cursor.execute(f"DELETE FROM {BACKLOG_TABLE} WHERE document_id = %s", [document_id])
    grams = document_grams(text.split(FIELD_SEPARATOR) if text else [])
    if grams:
        cursor.executemany(
            f"DELETE FROM {GRAM_TABLE} WHERE gram = %s AND sort_key = %s AND document_id = %s",
            [(gram, sort_key, document_id) for gram in grams],
        )


def prepare_document(
    fields: Sequence[str | None], sort_kana: str
) -> tuple[str, int, tuple[int, ...]]:
    """``(text, sort_key, grams)`` of one document, as :func:`bulk_index_prepared` writes it.
    Pure and picklable, so bulk writers can compute it in worker processes."""
    normalised = _normalise_fields(fields)
    return (
        FIELD_SEPARATOR.join(normalised),
        pack_sort_key(sort_kana),
        tuple(document_grams(normalised)),
    )


def bulk_index(entity_type: int, documents: Iterable[tuple[int, Sequence[str | None], str]]) -> int:
    """Index many new entities at once (seeding, imports): ``(entity_id, fields, sort_kana)``.

    Customers share names (a million people have a few hundred thousand distinct ones), so
    each distinct ``(fields, sort_kana)`` is normalised and cut into grams once per call.
    See :func:`bulk_index_prepared`. Returns the number of documents written."""
    prepared: dict[tuple, tuple[str, int, tuple[int, ...]]] = {}

    def entry(entity_id: int, fields: Sequence[str | None], sort_kana: str) -> tuple:
        key = (*fields, sort_kana)
        found = prepared.get(key)
        if found is None:
            found = prepared[key] = prepare_document(fields, sort_kana)
        return (entity_id, *found)

    return bulk_index_prepared(entity_type, [entry(*doc) for doc in documents])


def bulk_index_prepared(
    entity_type: int, documents: Sequence[tuple[int, str, int, Sequence[int]]]
) -> int:
    """Write many new documents ``(entity_id, text, sort_key, grams)`` (from
    :func:`prepare_document`); the entities must not be indexed yet.

    Document ids are reserved up front (``db.next_ids``) so postings are written without
    reading ids back; COPY on PostgreSQL, executemany on SQLite. The postings go in sorted
    by their key ``(gram, sort_key, document_id)``: posting lists of an index that already
    holds millions of rows are then extended page by page instead of at random places
    (several times fewer page writes on SQLite, fewer index page splits on PostgreSQL).
    Returns the number of documents written."""
    if not documents:
        return 0
    with transaction.atomic():
        first = db.next_ids(DOC_TABLE, len(documents))
        db.bulk_insert(
            DOC_TABLE,
            ("id", "entity_type", "entity_id", "text", "sort_key"),
            (
                (first + offset, entity_type, entity_id, text, sort_key)
                for offset, (entity_id, text, sort_key, _grams) in enumerate(documents)
            ),
        )
        if _staging:  # one row per document, expanded and sorted at the end (postings_to())
            db.bulk_insert(
                _staging[-1],
                ("document_id", "sort_key", "grams"),
                (
                    (first + offset, sort_key, f"[{','.join(map(str, grams))}]")
                    for offset, (_entity_id, _text, sort_key, grams) in enumerate(documents)
                ),
            )
            return len(documents)
        # Documents in (sort_key, id) order, then a stable sort on the gram alone: the
        # postings end up in full key order at a third of the cost of sorting the tuples.
        order = sorted(range(len(documents)), key=lambda offset: documents[offset][2])
        postings = [
            (gram, documents[offset][2], first + offset)
            for offset in order
            for gram in documents[offset][3]
        ]
        postings.sort(key=itemgetter(0))
        db.bulk_insert(GRAM_TABLE, ("gram", "sort_key", "document_id"), postings)
    return len(documents)


_staging: list[str] = []  # where bulk_index_prepared writes postings inside postings_to()
_STAGE_TABLE = "search_gram_stage"


@contextlib.contextmanager
def postings_to(table: str) -> Iterator[None]:
    """Inside the block, :func:`bulk_index_prepared` writes each new document's postings
    to ``table`` as one row ``(document_id, sort_key, grams)`` (the grams as a JSON list)
    instead of the posting lists; the caller merges them in key order afterwards."""
    _staging.append(table)
    try:
        yield
    finally:
        _staging.pop()


@contextlib.contextmanager
def staged_postings() -> Iterator[bool]:
    """For a bulk load into an EMPTY posting table on SQLite (seeding a new ledger):
    postings written by :func:`bulk_index_prepared` inside the block go to a temporary
    table (one row per document, its grams as a JSON list), and are expanded
    (``json_each``) and copied into the posting table in key order when the block ends —
    SQLite's own sorter once, then pure appends to the ``WITHOUT ROWID`` B-tree, instead of
    every batch inserting into every posting list (the cost of a million-person seed), and
    a twelfth of the rows through the Python driver.
    Yields whether it staged (not on PostgreSQL, where the loader drops and rebuilds the
    posting table's key instead, nor when the table already holds postings). Must run
    inside ``transaction.atomic()``; searches inside the block do not see staged postings."""
    if not connection.in_atomic_block:
        raise RuntimeError("staged_postings() must be used inside transaction.atomic()")
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            yield False
            return
        cursor.execute(f"SELECT 1 FROM {GRAM_TABLE} LIMIT 1")
        if cursor.fetchone() is not None:
            yield False
            return
        cursor.execute(
            f"CREATE TEMP TABLE {_STAGE_TABLE} (document_id INTEGER, sort_key INTEGER, grams TEXT)"
        )
    try:
        with postings_to(_STAGE_TABLE):
            yield True
    except BaseException:
        with (
            contextlib.suppress(Exception),
            connection.cursor() as cursor,
        ):  # the rollback drops it anyway
            cursor.execute(f"DROP TABLE temp.{_STAGE_TABLE}")
        raise
    with connection.cursor() as cursor:
        cursor.execute(merge_postings_sql(f"temp.{_STAGE_TABLE}"))
        cursor.execute(f"DROP TABLE temp.{_STAGE_TABLE}")


def merge_postings_sql(source: str, *, skip_present: bool = False) -> str:
    """SQLite: the statement that expands the rows :func:`postings_to` wrote to ``source``
    (one per document, its grams as a JSON list) into the posting lists, in key order —
    SQLite's sorter once, then appends to the ``WITHOUT ROWID`` B-tree. ``skip_present``:
    a posting already in the lists is left alone instead of failing the statement."""
    verb = "INSERT OR IGNORE" if skip_present else "INSERT"
    return (
        f"{verb} INTO {GRAM_TABLE} (gram, sort_key, document_id) SELECT j.value, s.sort_key, s.document_id "
        f"FROM {source} s, json_each(s.grams) j ORDER BY 1, 2, 3"
    )


# --- reading ---------------------------------------------------------------------------


Statement = tuple[str, list]  # SQL and its parameters
HIT_COLUMNS = "entity_type, entity_id, sort_key, document_id"


def search(query: str, **options) -> list[Hit]:
    """Documents whose normalised text contains the normalised query, in 五十音順 (the
    options as in :func:`search_statement`)."""
    statement = search_statement(query, **options)
    return (
        run_hits(statement, limit=options.get("limit", 20), before=options.get("before"))
        if statement
        else []
    )


def search_statement(
    query: str,
    *,
    entity_types: Sequence[int] | None = None,
    after: tuple[int, int] | None = None,
    before: tuple[int, int] | None = None,
    limit: int = 20,
    within: tuple[str, Sequence] | None = None,
    among: Sequence[int] | None = None,
) -> Statement | None:
    """The one SQL statement of :func:`search` — to run alone (:func:`run_hits`) or as
    part of a larger one (:func:`merged_statement`): the documents whose normalised text
    contains the normalised query, starting after the ``(sort_key, document_id)`` cursor
    — or the ``limit`` closest before the ``before`` cursor (a list's previous page), as
    rows ``entity_type, entity_id, sort_key, document_id``, nearest the cursor first.
    None when nothing can match.

    ``within`` narrows the hits in the same walk: an SQL condition with its parameters in
    which ``{entity_id}`` stands for the document's entity id (a customer list searched
    and filtered by prefecture at once). ``among``: only these entities — a short list
    (what a narrow filter leaves): their documents are read and checked instead of
    walking postings that mostly belong to others."""
    key = search_key(query)
    if not key:
        return None
    if among is not None:
        return _among(
            key, among, entity_types=entity_types, after=after, before=before, limit=limit
        )
    if len(key) == 1 and is_kana_code(ord(key)):
        return _reading_prefix(
            key, entity_types=entity_types, after=after, before=before, limit=limit, within=within
        )
    grams = query_grams(key)
    if len(grams) > 1:
        verify: list[str] = []
        params = _text_condition(verify, key, "{doc}") + _document_conditions(
            verify, entity_types, within, "{doc}"
        )
        return leapfrog.leapfrog_statement(
            leapfrog.leapfrog_grams(grams),
            " AND ".join(verify),
            params,
            limit=limit,
            after=after,
            before=before,
        )
    # one bigram (or one character): its posting list is the answer, in order
    where = ["g.gram = %s"]
    params = [grams[0]]
    if (
        len(key) > 2
    ):  # アアア: bigrams can match apart from each other, the text must hold the query
        params += _text_condition(where, key)
    params += _document_conditions(where, entity_types, within)
    params += _cursor_condition(where, "g.sort_key", "g.document_id", after, before)
    direction = "DESC" if before is not None else "ASC"
    return (
        f"SELECT d.entity_type AS entity_type, d.entity_id AS entity_id, g.sort_key AS sort_key, "
        f"g.document_id AS document_id FROM {GRAM_TABLE} g JOIN {DOC_TABLE} d ON d.id = g.document_id "
        f"WHERE {' AND '.join(where)} ORDER BY g.sort_key {direction}, g.document_id {direction} LIMIT %s",
        [*params, limit],
    )


LONG_WALK = 200  # hits; more is not a page but a list's count window


def run_hits(
    statement: Statement,
    *,
    limit: int,
    before: tuple[int, int] | None = None,
    prepare: bool = False,
) -> list[Hit]:
    """Run a statement of hits (nearest first) and return them in 五十音順. A long one
    (the first thousand hits a searched list counts) goes through a server-side cursor
    on PostgreSQL, which never gets a parallel plan: on a small server the workers' start
    and their fight for the cores cost more than they save (1,000 hits of 田中 at a
    million people: 25 ms with two workers, 7 ms without); for a page the cursor's extra
    round trips would cost more than the walk. ``prepare``: a statement whose text holds
    no values (core.prepared)."""
    long_walk = limit > LONG_WALK
    with connection.chunked_cursor() if long_walk else connection.cursor() as cursor:
        if prepare and not long_walk:
            prepared.execute(cursor, *statement)
        else:
            cursor.execute(*statement)
        hits = [Hit(*row) for row in cursor.fetchall()]
    if before is not None:  # a backwards walk comes nearest-first
        hits.reverse()
    return hits


def merged_statement(
    parts: Sequence[Statement],
    *,
    after: tuple[int, int] | None = None,
    before: tuple[int, int] | None = None,
    limit: int = 20,
) -> Statement:
    """Several statements of hits (searches, :func:`documents_statement`) as one: each
    document once, past the cursor, the ``limit`` nearest it first — one round trip for
    what a search box merges from names, readings, e-mail and phone."""
    union = " UNION ".join(
        f"SELECT {HIT_COLUMNS} FROM ({sql}) AS p{index}" for index, (sql, _) in enumerate(parts)
    )
    where: list[str] = []
    params = [value for _sql, part_params in parts for value in part_params]
    params += _cursor_condition(where, "sort_key", "document_id", after, before)
    direction = "DESC" if before is not None else "ASC"
    return (
        f"SELECT {HIT_COLUMNS} FROM ({union}) AS merged {'WHERE ' + ' AND '.join(where) if where else ''} "
        f"ORDER BY sort_key {direction}, document_id {direction} LIMIT %s",
        [*params, limit],
    )


def probe(subquery: str) -> str:
    """``EXISTS (subquery)`` evaluated as a probe per row of the walk, never turned into a
    join. PostgreSQL turns EXISTS into a semi-join, and with the sampled statistics of a
    posting table its estimates then favoured reading a whole posting list, hashing and
    sorting it (200 ms for 「たかはし」 at a million people, and 20 ms of planning)
    over walking the list in order for 21 hits (0.4 ms); ``OFFSET 0`` keeps the subquery
    a subquery. SQLite always probes per row (and has no OFFSET without LIMIT)."""
    fence = " OFFSET 0" if db.vendor() == "postgresql" else ""
    return f"EXISTS ({subquery}{fence})"


def _reading_prefix(kana: str, *, entity_types, after, before, limit, within) -> Statement:
    """Documents whose reading starts with ``kana``: one range of ``search_doc_sort_idx``."""
    low, high = reading_prefix_range(kana)
    return _documents(
        ["d.sort_key >= %s", "d.sort_key < %s"],
        [low, high],
        entity_types=entity_types,
        after=after,
        before=before,
        limit=limit,
        within=within,
    )


def _among(
    key: str, entity_ids: Sequence[int], *, entity_types, after, before, limit
) -> Statement | None:
    """:func:`search` over the documents of a few entities: the same matches (a posting
    of a gram exists exactly when a field holds it, so containing the query is the test;
    one kana is the reading prefix), driven from the entity index, then sorted."""
    if not entity_ids:
        return None
    # Thousands of integer ids are written into the statement, not passed as parameters:
    # both drivers' placeholder handling then costs more than the query.
    where = [f"d.entity_id IN ({', '.join(str(int(entity_id)) for entity_id in entity_ids)})"]
    params: list = []
    if len(key) == 1 and is_kana_code(ord(key)):
        where += ["d.sort_key >= %s", "d.sort_key < %s"]
        params += list(reading_prefix_range(key))
    else:
        params += _text_condition(where, key)
    # "+ 0": an order the reading index cannot give, so neither database walks that index
    # hoping the few entities come early (PostgreSQL did: 560,000 documents read to find
    # 21 of 4,500 people in 鳥取県, 0.7 s), but reads the few documents and sorts them.
    return _documents(
        where,
        params,
        entity_types=entity_types,
        after=after,
        before=before,
        limit=limit,
        within=None,
        sort_key="d.sort_key + 0",
    )


def _documents(
    where: list[str],
    params: list,
    *,
    entity_types,
    after,
    before,
    limit,
    within,
    sort_key: str = "d.sort_key",
) -> Statement:
    """Hits read from the documents themselves (not the postings), in 五十音順."""
    params = params + _cursor_condition(where, "d.sort_key", "d.id", after, before)
    params += _document_conditions(where, entity_types, within)
    direction = "DESC" if before is not None else "ASC"
    return (
        f"SELECT d.entity_type AS entity_type, d.entity_id AS entity_id, d.sort_key AS sort_key, "
        f"d.id AS document_id FROM {DOC_TABLE} d WHERE {' AND '.join(where)} "
        f"ORDER BY {sort_key} {direction}, d.id {direction} LIMIT %s",
        [*params, limit],
    )


def _text_condition(where: list[str], key: str, alias: str = "d") -> list:
    where.append(db.contains_sql(f"{alias}.text"))
    return [key]


def _cursor_condition(where: list[str], sort_key: str, document_id: str, after, before) -> list:
    # row-value comparison: both databases turn it into an index range
    if after is not None:
        where.append(f"({sort_key}, {document_id}) > (%s, %s)")
        return [after[0], after[1]]
    if before is not None:
        where.append(f"({sort_key}, {document_id}) < (%s, %s)")
        return [before[0], before[1]]
    return []


def _document_conditions(where: list[str], entity_types, within, alias: str = "d") -> list:
    params: list = []
    if entity_types:
        where.append(f"{alias}.entity_type IN ({', '.join(['%s'] * len(entity_types))})")
        params += list(entity_types)
    if within is not None:
        where.append(within[0].replace("{entity_id}", f"{alias}.entity_id"))
        params += list(within[1])
    return params


def documents_statement(owners: Statement, entity_types: Sequence[int]) -> Statement:
    """The documents of entities a domain found by other means (an e-mail or phone
    fragment in its own indexed columns) as a statement of hits: ``owners`` selects
    ``entity_type, entity_id`` pairs; only those of ``entity_types`` are kept. In no
    particular order (:func:`merged_statement` orders)."""
    sql, params = owners
    kinds = ", ".join(str(int(entity_type)) for entity_type in entity_types) or "NULL"
    return (
        f"SELECT d.entity_type AS entity_type, d.entity_id AS entity_id, d.sort_key AS sort_key, "
        f"d.id AS document_id FROM ({sql}) AS owner JOIN {DOC_TABLE} d "
        f"ON d.entity_type = owner.entity_type AND d.entity_id = owner.entity_id "
        f"WHERE owner.entity_type IN ({kinds})",
        list(params),
    )


def document_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DOC_TABLE}")
        return cursor.fetchone()[0]
