"""The walk of a search query of three or more characters: the documents holding all of its
bigrams, found by *leapfrogging* over their posting lists (core.search).

Every posting list is in 五十音順 ``(sort_key, document_id)``. Walking one list and asking
the others about each posting (what search did before) reads every posting of the walked
bigram that comes before the hits: 「ヨシダ」 walked シダ through 9,500 イシダ, ニシダ …
before the first ヨシダ (16 ms on SQLite at a million people), 「吉田亮」 walked 14,600
吉田 for 21 吉田亮 (30 ms), and a query that matches nothing walked a whole list.
Choosing the list up front cannot avoid it: each list is dense somewhere the hits are not.

The leapfrog instead keeps one position and asks each bigram in turn for its first
posting at or after it (one index descent): a bigram that has the position agrees, one
that has not moves the position forward to its own next posting — past everything in
between. When all bigrams agree, the document is a candidate; its text is checked (bigrams
can match apart from each other) and the position moves one past it. The work is the
number of times the lists take turns, not their length: 22 steps for 吉田亮, 165 for
ヨシダ. It is one recursive statement on both databases (one row per step), and it
counts verified hits as it goes so it stops after the page it was asked for.

What it cannot skip: documents that hold every bigram but not the query, each one read
and checked. サト (サトシ, サトミ) and トウ (イトウ, カトウ) are together in about 500
documents before the first サトウ — 4 ms on SQLite, 7 ms on PostgreSQL at a million
people, where one step costs more than one posting of a plain walk; only postings of
longer grams (or positions) would tell those documents apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import db

GRAM_TABLE = "core_searchgram"
DOC_TABLE = "core_searchdocument"
BACKLOG_TABLE = "core_postingbacklog"  # postings of a bulk load not merged yet (core.bulk_load)
MOST_GRAMS = 4  # more bigrams skip a little more but cost a descent each per candidate
_LOWEST = (-1, -1)  # before every posting: sort keys and ids are never negative


def leapfrog_grams(grams: Sequence[int]) -> list[int]:
    """At most MOST_GRAMS of a query's bigrams, spread over the query (the text check
    makes the match exact, so the bigrams only have to skip well)."""
    if len(grams) <= MOST_GRAMS:
        return list(grams)
    step = (len(grams) - 1) / (MOST_GRAMS - 1)
    return [grams[round(index * step)] for index in range(MOST_GRAMS)]


def leapfrog_statement(
    grams: Sequence[int],
    verify: str,
    verify_params: Sequence,
    *,
    limit: int,
    after: tuple[int, int] | None = None,
    before: tuple[int, int] | None = None,
) -> tuple[str, list]:
    """SQL selecting the first ``limit`` documents (after ``after``, or the nearest before
    ``before``, walking backwards) whose postings hold every one of ``grams`` (at least
    two) and that meet ``verify`` — an SQL condition on the document, whose alias is
    written ``{doc}`` — as rows ``entity_type, entity_id, sort_key, document_id``.

    Each step's row: ``(sk, id)`` the position bigram ``i`` moved to from ``(psk, pid)``,
    ``r`` the number of bigrams in a row that agreed on ``(psk, pid)``, ``n`` the verified
    hits before it (``pn`` before the step before). Every value is a parameter, so the statement's text depends only on
    the number of bigrams and the conditions (PostgreSQL plans it once, core.prepared)."""
    count = len(grams)
    if count < 2:
        raise ValueError("a leapfrog needs two bigrams or more")
    backwards = before is not None
    start = (
        (before[0], before[1] - 1)
        if backwards
        else (after[0], after[1] + 1)
        if after is not None
        else _LOWEST
    )
    at_or_past, step, order = ("<=", "- 1", "DESC") if backwards else (">=", "+ 1", "ASC")
    agreed = (
        "(lf.id = lf.pid)"  # a document has one sort key: the same document is the same posting
    )
    candidate = f"({agreed} AND lf.r + 1 = {count})"  # every bigram has this document
    from_id = f"CASE WHEN {candidate} THEN lf.id {step} ELSE lf.id END"  # past a candidate
    following = f"CASE WHEN lf.i = {count - 1} THEN 0 ELSE lf.i + 1 END"
    gram = (
        "CASE "
        + following
        + " "
        + " ".join(f"WHEN {i} THEN CAST(%s AS BIGINT)" for i in range(count))
        + " END"
    )

    def seek(columns: str, sort_key: str, document_id: str, which: str = gram) -> str:
        # the first posting of the bigram at or past the position: one index descent
        return (
            f"SELECT {columns} FROM {GRAM_TABLE} s WHERE s.gram = {which} AND (s.sort_key, s.document_id) "
            f"{at_or_past} ({sort_key}, {document_id}) ORDER BY s.gram {order}, s.sort_key {order}, "
            f"s.document_id {order} LIMIT 1"
        )

    verified = (
        f"CASE WHEN {candidate} THEN CASE WHEN EXISTS (SELECT 1 FROM {DOC_TABLE} v WHERE v.id = lf.id "
        f"AND {verify.replace('{doc}', 'v')}) THEN 1 ELSE 0 END ELSE 0 END"
    )
    rest = (
        f"lf.sk, {from_id}, {following}, CASE WHEN {candidate} THEN 0 ELSE CASE WHEN {agreed} THEN lf.r + 1 "
        f"ELSE 1 END END, lf.n, lf.n + {verified}"
    )
    first = seek(
        "s.sort_key, s.document_id, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), 0, 0, 0, 0",
        "%s",
        "%s",
        "%s",
    )
    if db.vendor() == "postgresql":
        # one descent per step: the posting's two columns from a lateral subquery (a left
        # join, so the step past a last candidate still says whether it was a hit)
        recursive = (
            f"({first}) UNION ALL SELECT s.sort_key, s.document_id, {rest} FROM lf LEFT JOIN LATERAL "
            f"({seek('s.sort_key, s.document_id', 'lf.sk', f'({from_id})')}) AS s ON TRUE "
            f"WHERE lf.id IS NOT NULL AND lf.n < %s"
        )
        params = [grams[0], *start, *verify_params, *grams, limit]
    else:
        # SQLite has no LATERAL and a scalar subquery gives one column: the step keeps the
        # document only, and the next descent reads its sort key from the document (a
        # rowid lookup, cheaper than descending the postings again for it)
        sort_key = f"(SELECT x.sort_key FROM {DOC_TABLE} x WHERE x.id = lf.id)"
        moved = seek("s.document_id", sort_key, f"({from_id})")
        recursive = (
            f"SELECT * FROM ({first}) UNION ALL SELECT NULL, ({moved}), {rest} FROM lf "
            f"WHERE lf.id IS NOT NULL AND lf.n < %s"
        )
        params = [grams[0], *start, *grams, *verify_params, limit]
    # The step after a verified candidate counted it (n > pn) and moved one past it (pid).
    back = "+ 1" if backwards else "- 1"
    sql = (
        f"WITH RECURSIVE lf(sk, id, psk, pid, i, r, pn, n) AS ({recursive}) "
        f"SELECT d.entity_type AS entity_type, d.entity_id AS entity_id, d.sort_key AS sort_key, "
        f"d.id AS document_id FROM lf JOIN {DOC_TABLE} d ON d.id = lf.pid {back} WHERE lf.n > lf.pn "
        f"ORDER BY d.sort_key {order}, d.id {order} LIMIT %s"
    )
    return sql, [*params, limit]
