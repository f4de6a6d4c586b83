"""Bulk-generated activity for the benchmarks and the exactness tests: reps, their customers and touches
written with ``core.db.bulk_insert`` (COPY on PostgreSQL), plus the derived rows the touch
services would have kept (daily counts, customers touched per week/month, last touch per
person: ``daifuku.activities.services.rollups``). Never used by request handlers: it lives
under bench/ with the other benchmark fixtures."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from daifuku.accounts.models import Team, User
from daifuku.activities.models import TouchKind
from daifuku.activities.services.rollups import Bulk, db_value, write_bulk
from daifuku.core import db
from daifuku.customers.models import Person

KINDS = [
    TouchKind.VISIT,
    TouchKind.CALL,
    TouchKind.CALL,
    TouchKind.EMAIL,
    TouchKind.MEETING,
    TouchKind.LINE,
]
SUMMARIES = [
    "定期訪問",
    "見積の説明",
    "新商品のご案内",
    "お問い合わせへの回答",
    "納品の確認",
    "ご要望のヒアリング",
]
BODY = "- ご担当の**山田様**と面談\n- 予算は来期に確定予定\n- 次回は見積をお持ちする"
TOUCH_COLUMNS = (
    "kind",
    "occurred_at",
    "duration_minutes",
    "rep_id",
    "team_id",
    "person_id",
    "company_id",
    "subject_type",
    "subject_id",
    "summary",
    "body",
    "outcome",
    "mood",
    "follow_up",
    "is_private",
    "created_at",
    "updated_at",
)


stamp = db_value  # a datetime as the database expects it from a raw bulk insert


def team_of_reps(name: str, count: int) -> list[User]:
    """``count`` reps in team ``name`` (created once, reused)."""
    from daifuku.accounts.services import create_team, create_user

    team = Team.objects.filter(name=name).first() or create_team(actor="bench", name=name)
    reps = list(User.objects.filter(team=team, role="rep").order_by("pk"))
    for index in range(len(reps), count):
        reps.append(
            create_user(
                actor="bench",
                username=f"{name}-{index:03d}",
                role="rep",
                team=team,
                display_name=f"担当{index:03d}",
                check_password=False,
            )
        )
    return reps[:count]


def customers_for(reps: list[User], per_rep: int, *, marker: str) -> dict[int, list[int]]:
    """``per_rep`` people owned by each rep (family name ``marker``), created once."""
    owned: dict[int, list[int]] = {}
    for rep in reps:
        ids = list(
            Person.objects.filter(owner=rep, family_name=marker)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        missing = per_rep - len(ids)
        if missing > 0:
            Person.objects.bulk_create(
                [
                    Person(
                        family_name=marker,
                        given_name=f"{rep.pk}-{len(ids) + i}",
                        sort_kana=f"ベンチ{i:05d}",
                        owner=rep,
                        team_id=rep.team_id,
                    )
                    for i in range(missing)
                ],
                batch_size=2000,
            )
            ids = list(
                Person.objects.filter(owner=rep, family_name=marker)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        owned[rep.pk] = ids[:per_rep]
    return owned


def generate_touches(
    reps: list[User],
    owned: dict[int, list[int]],
    *,
    days: int,
    per_day: int,
    end: dt.datetime | None = None,
    seed: int = 4,
    jitter: bool = True,
) -> int:
    """About ``per_day`` touches per rep per day over ``days`` days ending at ``end``, and
    the matching derived rows. Returns the number of touches written."""
    rng = random.Random(seed)
    end = end or timezone.now()
    derived = Bulk()
    now = stamp(end)

    def rows() -> Iterator[tuple]:
        for rep in reps:
            customers = owned[rep.pk]
            for day in range(days):
                base = end - dt.timedelta(days=day)
                for _ in range(max(0, int(rng.gauss(per_day, per_day / 4))) if jitter else per_day):
                    at = base - dt.timedelta(seconds=rng.randrange(0, 86_400))
                    kind = rng.choice(KINDS)
                    person_id = rng.choice(customers)
                    derived.add(
                        rep_id=rep.pk,
                        team_id=rep.team_id,
                        person_id=person_id,
                        occurred_at=at,
                        kind=kind,
                    )
                    yield (
                        kind,
                        stamp(at),
                        rng.choice((15, 30, 60, None)),
                        rep.pk,
                        rep.team_id,
                        person_id,
                        None,
                        "",
                        None,
                        rng.choice(SUMMARIES),
                        BODY,
                        "",
                        "",
                        False,
                        False,
                        now,
                        now,
                    )

    with transaction.atomic():
        written = db.bulk_insert("activities_touch", TOUCH_COLUMNS, rows())
        write_bulk(derived)
    db.analyze(
        [
            "activities_touch",
            "activities_touchdailycount",
            "activities_repcustomerperiod",
            "activities_personlasttouch",
            "customers_person",
        ]
    )
    return written
