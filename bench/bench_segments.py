"""Segments (issue 20): counting a 4-condition rule segment over the ledger, and
materialising its members (``SegmentMembership`` from empty), against the same rules
written by hand as plain ORM filters (the count) and a plain id list + bulk insert (the
materialisation) in the same run.

Goal (issue 20, at 1,000,000 customers): the count ≤ 1 s, the materialisation ≤ 3 s.
"""

from __future__ import annotations

import datetime as dt
import time

from . import common, ledger

REPEAT = {"tiny": 5, "small": 7, "full": 5}
RULES = {
    "all": [
        {"field": "prefecture", "op": "in", "value": ["東京都", "神奈川県", "大阪府", "愛知県"]},
        {"field": "age", "op": "gte", "value": 30},
        {"field": "lifecycle", "op": "in", "value": ["customer", "repeat", "prospect"]},
        {"field": "consent_email", "op": "ne", "value": "opted_out"},
    ]
}


def _plain_orm():
    """The same four conditions as a developer would write them by hand."""
    from django.db.models import Q
    from django.utils import timezone

    from daifuku.customers.models import Consent, Person

    today = timezone.localdate()
    try:
        born_by = today.replace(year=today.year - 30)
    except ValueError:
        born_by = dt.date(today.year - 30, 3, 1)
    return Person.objects.filter(
        prefecture__in=["東京都", "神奈川県", "大阪府", "愛知県"],
        birthday__lte=born_by,
        lifecycle__in=["customer", "repeat", "prospect"],
    ).exclude(
        Q(pk__in=Consent.objects.filter(channel="email", status="opted_out").values("person_id"))
    )


def run(scale: str) -> list[common.Result]:
    from daifuku.customers.models import Person
    from daifuku.marketing import conditions
    from daifuku.marketing.models import Segment, SegmentMembership
    from daifuku.marketing.services.memberships import refresh_segment

    data = ledger.ensure_people(scale)

    def count_rules():
        q = conditions.compile_tree(conditions.parse(RULES))
        return Person.objects.filter(q).order_by().count()

    def count_plain():
        return _plain_orm().order_by().count()

    found, expected = count_rules(), count_plain()
    assert found == expected, (found, expected)
    repeat = REPEAT[scale]
    metrics = {"count_p50_ms": common.summary(common.time_ms(count_rules, repeat=repeat))["p50_ms"]}
    baseline = {
        "count_p50_ms": common.summary(common.time_ms(count_plain, repeat=repeat))["p50_ms"]
    }

    segment, _created = Segment.objects.get_or_create(
        name="bench: 4 conditions", defaults={"rules": RULES}
    )
    materialise, plain_materialise = [], []
    for _ in range(3):
        SegmentMembership.objects.filter(segment=segment).delete()
        started = time.perf_counter()
        refresh_segment(segment.pk)
        materialise.append((time.perf_counter() - started) * 1000)
        SegmentMembership.objects.filter(segment=segment).delete()
        started = time.perf_counter()
        ids = list(_plain_orm().values_list("pk", flat=True))
        SegmentMembership.objects.bulk_create(
            [SegmentMembership(segment=segment, person_id=pk) for pk in ids], batch_size=5000
        )
        plain_materialise.append((time.perf_counter() - started) * 1000)
    SegmentMembership.objects.filter(segment=segment).delete()
    metrics["materialise_ms"] = round(sorted(materialise)[1], 1)
    baseline["materialise_ms"] = round(sorted(plain_materialise)[1], 1)
    metrics["members"] = found
    ratio = {
        key: round(baseline[key] / max(metrics[key], 0.001), 2)
        for key in ("count_p50_ms", "materialise_ms")
    }
    per_million = 1_000_000 / max(data["people"], 1)
    return [
        common.Result(
            benchmark="segments",
            scale=scale,
            metrics=metrics,
            baseline=baseline,
            ratio=ratio,
            goal="at 1M customers: count ≤ 1 s, materialise ≤ 3 s",
            passed=(metrics["count_p50_ms"] <= 1000 and metrics["materialise_ms"] <= 3000)
            if scale == "full"
            else None,
            notes=f"{data['people']:,} people, {found:,} members; linear estimate at 1M: count "
            f"{metrics['count_p50_ms'] * per_million / 1000:.1f} s, materialise "
            f"{metrics['materialise_ms'] * per_million / 1000:.1f} s; baseline = the same "
            "conditions as hand-written ORM filters, and their ids bulk-inserted",
        )
    ]
