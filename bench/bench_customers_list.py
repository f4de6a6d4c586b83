"""The customer list page (``GET /customers/``, rendered by the real view with a logged-in
rep): first page, a page deep in the list (keyset cursor), 五十音順 and newest first, a
100-row page, and the usual filters — time and SQL queries per request — against OFFSET
pagination with an exact COUNT(*) over the same table in the same run.

Goal (issue 2): under 50 ms at any depth, at most 5 SQL queries per list request
whatever the page size.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from . import common, ledger

REPEAT = {"tiny": 10, "small": 20, "full": 30}
PAGE = 25


def _deep_cursor(fraction: float) -> tuple[str, int]:
    from daifuku.core.pagination import encode_cursor
    from daifuku.customers.models import Person

    total = Person.objects.count()
    offset = int(total * fraction)
    row = Person.objects.order_by("sort_kana", "id").values_list("sort_kana", "id")[offset]
    return encode_cursor(list(row)), offset


def _get(client: Client, params: dict):
    url = "/customers/" + ("?" + urlencode(params) if params else "")

    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return run


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def run(scale: str) -> list[common.Result]:
    from daifuku.customers.models import Person

    data = ledger.ensure_people(scale)
    client = Client()
    client.force_login(data["user"])
    cursor, depth = _deep_cursor(0.9)
    cases = {
        "first_page": {},
        "deep_page": {"after": cursor},
        "first_page_100_rows": {"size": 100},
        "newest_first": {"sort": "created"},
        "filter_lifecycle": {"lifecycle": "customer"},
        "filter_prefecture": {"prefecture": "東京都"},
        "filter_mine": {"owner": "me"},
        "filter_search": {"q": "田中"},
        "filter_stage_and_prefecture": {"stage": "interconnected", "prefecture": "鳥取県"},
    }
    metrics, queries = {}, {}
    for name, params in cases.items():
        request = _get(client, params)
        queries[name] = _queries(request)
        timing = common.summary(common.time_ms(request, repeat=REPEAT[scale]))
        metrics[f"{name}_p50_ms"] = timing["p50_ms"]
        metrics[f"{name}_p95_ms"] = timing["p95_ms"]
    metrics["max_queries_per_request"] = max(queries.values())
    # CPU of this process per request (wall time on a shared machine also counts the
    # other processes' turns on the CPU)
    for name in ("first_page", "deep_page"):
        metrics[f"{name}_cpu_ms"] = round(
            common.cpu_ms(_get(client, cases[name]), repeat=REPEAT[scale], warmup=2), 2
        )

    ordered = Person.objects.order_by("sort_kana", "id")

    def offset_page(offset: int):
        def page():
            rows = list(ordered.select_related("owner")[offset : offset + PAGE])
            return rows, Person.objects.count()

        return page

    baseline = {}
    for name, offset in (("first_page", 0), ("deep_page", depth)):
        timing = common.summary(
            common.time_ms(offset_page(offset), repeat=max(3, REPEAT[scale] // 3), warmup=1)
        )
        baseline[f"{name}_p50_ms"] = timing["p50_ms"]
    ratio = {
        name: round(baseline[f"{name}_p50_ms"] / max(metrics[f"{name}_p50_ms"], 0.001), 2)
        for name in ("first_page", "deep_page")
    }
    slowest = max(value for key, value in metrics.items() if key.endswith("_p95_ms"))
    return [
        common.Result(
            benchmark="customers_list",
            scale=scale,
            metrics=metrics,
            baseline=baseline,
            ratio=ratio,
            goal="< 50 ms at any depth (p95), <= 5 SQL queries per list request whatever the page size",
            passed=slowest < 50 and metrics["max_queries_per_request"] <= 5,
            notes=f"{data['people']:,} people; deep page starts at row {depth:,}; queries per request {queries}; "
            "baseline = OFFSET page (ORM) + exact COUNT(*), without rendering",
        )
    ]
