"""Referrals, NPS answers and the advocate list as a user may see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from daifuku.accounts.permissions import VIEW, may, restrict, restrict_to_customer

from ..models import AdvocateRules, NpsAnswer, Referral


def rules() -> AdvocateRules:
    """The advocate rule in force (the defaults until a manager sets it)."""
    return AdvocateRules.objects.order_by("pk").first() or AdvocateRules()


def person_nps(user, person, *, limit: int | None = None) -> list[NpsAnswer]:
    qs = restrict_to_customer(NpsAnswer.objects.all(), user, person, field="person")
    qs = qs.order_by("-answered_on", "-id")
    return list(qs[:limit] if limit else qs)


def person_referrals(user, person) -> dict[str, list[Referral]]:
    """``made``: whom the person introduced; ``received``: who introduced them — one
    query (the person page's budget). A person the user may see shows both; people in the
    trash are left out, as everywhere."""
    if not may(user, VIEW, person):
        return {"made": [], "received": []}
    rows = (
        Referral.objects.filter(Q(referrer_id=person.pk) | Q(referred_id=person.pk))
        .exclude(referred_id=F("referrer_id"))
        .filter(referrer__deleted_at__isnull=True, referred__deleted_at__isnull=True)
        .select_related("referrer", "referred")
        .order_by("-referred_on", "-id")
    )
    found: dict[str, list[Referral]] = {"made": [], "received": []}
    for row in rows:
        found["made" if row.referrer_id == person.pk else "received"].append(row)
    return found


def nps_category(score: int) -> str:
    """promoter (9–10), passive (7–8) or detractor (0–6)."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


@dataclass(frozen=True)
class Advocate:
    person_id: int
    name: str
    latest_nps: int | None
    nps_on: dt.date | None
    referrals: int


def advocates(user, *, today: dt.date | None = None, limit: int = 500) -> list[Advocate]:
    """The people who meet the advocate rule, most referrals first, then best NPS."""
    from daifuku.customers.models import Person

    rule = rules()
    today = today or timezone.localdate()
    people = restrict(Person.objects.all(), user, VIEW)
    since = today - dt.timedelta(days=rule.nps_within_days)
    latest: dict[int, tuple[int, dt.date]] = {}
    answers = NpsAnswer.objects.filter(person__in=people.values("pk"), answered_on__gte=since)
    for person_id, score, day in answers.order_by("person_id", "answered_on", "id").values_list(
        "person_id", "score", "answered_on"
    ):
        latest[person_id] = (score, day)  # the last one per person wins
    counts = dict(
        Referral.objects.filter(referrer__in=people.values("pk"))
        .exclude(referred_id=F("referrer_id"))
        .values("referrer_id")
        .annotate(n=Count("referred_id", distinct=True))
        .values_list("referrer_id", "n")
    )
    chosen = []
    for person_id in set(latest) | set(counts):
        nps_ok = person_id in latest and latest[person_id][0] >= rule.min_nps
        ref_ok = rule.min_referrals > 0 and counts.get(person_id, 0) >= rule.min_referrals
        if (nps_ok and ref_ok) if rule.require_both else (nps_ok or ref_ok):
            chosen.append(person_id)
    names = (
        {
            p.pk: p.display_name
            for p in people.filter(pk__in=chosen).only("family_name", "given_name")
        }
        if chosen
        else {}
    )
    found = [
        Advocate(
            pk,
            names.get(pk, ""),
            latest.get(pk, (None, None))[0],
            latest.get(pk, (None, None))[1],
            counts.get(pk, 0),
        )
        for pk in chosen
        if pk in names
    ]
    found.sort(key=lambda a: (-a.referrals, -(a.latest_nps or -1), a.name, a.person_id))
    return found[:limit]


def nps_summary(user, *, since: dt.date) -> dict:
    """NPS of the answers since a day (latest answer per person): promoters % − detractors %."""
    from daifuku.customers.models import Person

    people = restrict(Person.objects.all(), user, VIEW)
    latest: dict[int, int] = {}
    for person_id, score in (
        NpsAnswer.objects.filter(person__in=people.values("pk"), answered_on__gte=since)
        .order_by("person_id", "answered_on", "id")
        .values_list("person_id", "score")
    ):
        latest[person_id] = score
    n = len(latest)
    promoters = sum(1 for s in latest.values() if s >= 9)
    detractors = sum(1 for s in latest.values() if s <= 6)
    return {
        "answers": n,
        "promoters": promoters,
        "passives": n - promoters - detractors,
        "detractors": detractors,
        "nps": round((promoters - detractors) * 100 / n) if n else None,
    }


def referrals_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Referral.objects.all(), user, action)
