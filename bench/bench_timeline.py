"""The 360° timeline of a customer with 10,000 touches: the first page (30 entries) and a
deep page, as the customer page asks the touches source for them (a rep's permissions
applied), against a naive ORM version that loads the customer's touches and sorts in
Python, in the same run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bench.activity_data import customers_for, generate_touches, team_of_reps
from bench.common import Result, summary, time_ms
from daifuku.activities.models import Touch
from daifuku.activities.timeline_sources import touch_source

SIZES = {"tiny": 1_000, "small": 10_000, "full": 10_000}
GOAL_MS = 50


def run(scale: str) -> list[Result]:
    touches = SIZES[scale]
    reps = team_of_reps(f"bench-timeline-{scale}", 2)
    owned = customers_for(reps[:1], 1, marker="タイムライン検証")
    person_id = owned[reps[0].pk][0]
    missing = touches - Touch.objects.filter(person_id=person_id).count()
    if missing > 0:
        # 28 touches a day going back in time: one very busy key account
        generate_touches(reps[:1], owned, days=-(-missing // 28), per_day=28, seed=10, jitter=False)
    from daifuku.customers.models import Person

    person = Person.objects.get(pk=person_id)
    count = Touch.objects.filter(person=person).count()
    viewer = reps[1]  # a teammate: the permission filter runs, as for any rep

    def first_page():
        # each page view reads the customer afresh: nothing kept on the instance from the
        # previous view (activities.selectors.customer_touches keeps the newest touches
        # on it for the rest of one request)
        person.__dict__.pop("_newest_touches", None)
        return touch_source(subject=person, user=viewer, before=None, limit=30)

    first = time_ms(first_page, repeat=50)
    deep_before = timezone.now() - dt.timedelta(days=300)
    deep = time_ms(
        lambda: touch_source(subject=person, user=viewer, before=deep_before, limit=30), repeat=50
    )
    naive = time_ms(lambda: _naive(person), repeat=10 if scale != "tiny" else 5, warmup=1)
    first_s, deep_s, naive_s = summary(first), summary(deep), summary(naive)
    return [
        Result(
            benchmark="timeline_first_page",
            scale=scale,
            metrics={
                "touches": count,
                "first_page_p95_ms": first_s["p95_ms"],
                "first_page_p50_ms": first_s["p50_ms"],
                "page_300_days_back_p95_ms": deep_s["p95_ms"],
            },
            baseline={"naive_orm_p95_ms": naive_s["p95_ms"], "naive_orm_p50_ms": naive_s["p50_ms"]},
            ratio=round(naive_s["p95_ms"] / first_s["p95_ms"], 1) if first_s["p95_ms"] else None,
            goal=f"first page p95 < {GOAL_MS} ms with 10,000 touches",
            passed=first_s["p95_ms"] < GOAL_MS if scale != "tiny" else None,
        )
    ]


def _naive(person):
    """What a first version would do: every touch of the customer, the rep of each one,
    sorted in Python, first 30 kept."""
    rows = list(Touch.objects.filter(person=person))
    rows.sort(key=lambda t: (t.occurred_at, t.pk), reverse=True)
    return [(t, str(t.rep), list(t.attachments.all())) for t in rows[:30]]
