"""The 360° view (``GET /customers/people/<id>/``, the real view and template, logged-in
rep) over people with family and companies, against the same page built naively (no
select_related, one query per related row) in the same run.

Goal (issue 2): p95 under 50 ms.
"""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext

from . import common, ledger

REPEAT = {"tiny": 1, "small": 5, "full": 5}
# People whose page is timed. Tiny is the smoke test's scale (bench/test_benchmarks.py):
# it checks that the benchmark still runs, so a few pages once each do — 20 pages in
# three rounds, both variants, made it the slowest test of the suite (its call: 56–73 s
# on the shared machine, 12 s with 4 pages in one round, 2026-12-07)
SAMPLE = {"tiny": 4, "small": 20, "full": 20}


def _sample_ids(size: int) -> list[int]:
    """People with the most to show: household members and a company."""
    from daifuku.customers.models import Contact, HouseholdMember

    with_company = list(
        Contact.objects.order_by("person_id").values_list("person_id", flat=True)[:500]
    )
    with_family = set(
        HouseholdMember.objects.filter(person_id__in=with_company).values_list(
            "person_id", flat=True
        )
    )
    ids = [pk for pk in with_company if pk in with_family][:size]
    return ids or with_company[:size]


def naive_person_360(user, pk):
    """The page's data the way a first draft fetches it: related rows one by one."""
    from daifuku.customers.models import (
        Consent,
        Contact,
        CustomFieldDefinition,
        HouseholdMember,
        Person,
    )

    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    person.owner, person.team  # noqa: B018 — lazy loads, one query each
    contacts = [c for c in Contact.objects.filter(person=person) if c.company.deleted_at is None]
    household = list(HouseholdMember.objects.filter(person=person))
    for member in household:
        member.linked_person  # noqa: B018
    return {
        "person": person,
        "emails": [e for e in person.emails.all()],
        "phones": [p for p in person.phones.all()],
        "tags": list(person.tags.all()),
        "household": household,
        "contacts": contacts,
        "consents": {c.channel: c for c in Consent.objects.filter(person=person)},
        "stage_changes": list(person.stage_changes.all()),
        "custom_definitions": list(
            CustomFieldDefinition.objects.filter(target="person", is_active=True)
        ),
    }


def _pages(client: Client, ids: list[int], kind: str = "people"):
    def run():
        for pk in ids:
            response = client.get(f"/customers/{kind}/{pk}/")
            assert response.status_code == 200, response.status_code

    return run


def _company_ids(size: int) -> list[int]:
    """Companies with people linked (their page lists them)."""
    from daifuku.customers.models import Contact

    return list(
        Contact.objects.order_by("company_id")
        .values_list("company_id", flat=True)
        .distinct()[:size]
    )


def _per_page(client, ids, repeat) -> list[float]:
    samples = []
    for _ in range(repeat):
        for pk in ids:
            samples.extend(common.time_ms(_pages(client, [pk]), repeat=1, warmup=0))
    return samples


def run(scale: str) -> list[common.Result]:
    data = ledger.ensure_people(scale)
    client = Client()
    client.force_login(data["user"])
    ids = _sample_ids(SAMPLE[scale])
    _pages(client, ids)()  # warm templates and caches
    with CaptureQueriesContext(connection) as captured:
        _pages(client, ids[:1])()
    queries = len(captured.captured_queries)
    fast = common.summary(_per_page(client, ids, REPEAT[scale]))
    # CPU of this process per page: on a shared machine wall time also counts other
    # processes' turns on the CPU, CPU time does not
    cpu = common.cpu_ms(_pages(client, ids), repeat=REPEAT[scale], warmup=1) / len(ids)
    # the company page too (no naive variant: reported beside the person page's figures)
    companies = _company_ids(SAMPLE[scale])
    company_cpu = (
        common.cpu_ms(_pages(client, companies, "companies"), repeat=REPEAT[scale], warmup=1)
        / max(len(companies), 1)
        if companies
        else None
    )
    with mock.patch("daifuku.customers.selectors.person_360", naive_person_360):
        _pages(client, ids)()
        with CaptureQueriesContext(connection) as captured:
            _pages(client, ids[:1])()
        naive_queries = len(captured.captured_queries)
        slow = common.summary(_per_page(client, ids, REPEAT[scale]))
    return [
        common.Result(
            benchmark="customer_360",
            scale=scale,
            metrics={
                **fast,
                "cpu_ms_per_page": round(cpu, 2),
                "sql_queries": queries,
                "company_cpu_ms_per_page": company_cpu and round(company_cpu, 2),
            },
            baseline={**slow, "sql_queries": naive_queries},
            ratio=round(slow["p50_ms"] / max(fast["p50_ms"], 0.001), 2),
            goal="p95 < 50 ms",
            passed=fast["p95_ms"] < 50,
            notes=f"{data['people']:,} people; {len(ids)} people with family and a company, "
            f"{REPEAT[scale]} rounds; baseline = same view with related rows fetched one by one",
        )
    ]
