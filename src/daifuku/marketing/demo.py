"""Demo segments for ``daifuku demo``: a rule segment that uses attributes, consent and
purchases, and a small fixed list — so the segment pages have something to show. Two of
three demo customers with an address get a mail consent with its evidence first (the
customers' demo records none), and the rule segments are filled at once rather than by a
worker later, so their members and the demo campaign's audience show on a fresh install."""

from __future__ import annotations

from .models import Segment, SegmentKind
from .services import add_members, create_segment

DEMO_EVIDENCE = "デモデータ: 会員登録フォームでメール配信に同意（2026-04-01）"


def _demo_consents(actor) -> int:
    """An e-mail opt-in with evidence for two of three people with an address (in id
    order, every third left without one so 「同意なし」 shows on the send screen too)."""
    from daifuku.customers.models import Consent, Person
    from daifuku.customers.services import record_consent

    if Consent.objects.filter(channel="email").exists():
        return 0
    people = Person.objects.filter(emails__isnull=False).distinct().order_by("id")
    made = 0
    for n, person in enumerate(people):
        if n % 3 == 2:
            continue
        record_consent(actor=actor, person=person, channel="email", status="opted_in",
                       method="form", evidence=DEMO_EVIDENCE)  # fmt: skip
        made += 1
    return made


def add_demo_segments(context) -> str:
    from .services.memberships import refresh_segment

    actor = context.users.get("admin") or "daifuku demo"
    consents = _demo_consents(actor)
    made = 0
    if not Segment.objects.filter(name="メール許諾ありのリピーター").exists():
        create_segment(
            actor=actor,
            data={
                "name": "メール許諾ありのリピーター",
                "description": "2回以上購入し、メール配信に同意しているお客様",
                "rules": {
                    "all": [
                        {"field": "order_count", "op": "gte", "value": 2},
                        {"field": "consent_email", "op": "eq", "value": "opted_in"},
                    ]
                },
            },
        )
        made += 1
    if not Segment.objects.filter(name="東京・神奈川の40代以上").exists():
        create_segment(
            actor=actor,
            data={
                "name": "東京・神奈川の40代以上",
                "rules": {
                    "all": [
                        {"field": "prefecture", "op": "in", "value": ["東京都", "神奈川県"]},
                        {"field": "age", "op": "gte", "value": 40},
                    ]
                },
            },
        )
        made += 1
    if not Segment.objects.filter(name="秋の大茶会 招待リスト").exists():
        segment = create_segment(
            actor=actor, data={"name": "秋の大茶会 招待リスト", "kind": "static"}
        )
        from daifuku.customers.models import Person

        ids = list(Person.objects.order_by("id").values_list("pk", flat=True)[:5])
        add_members(actor=actor, segment=segment, person_ids=ids)
        made += 1
    for segment in Segment.objects.filter(kind=SegmentKind.DYNAMIC):
        refresh_segment(segment.pk)
    return f"{made} segments, {consents} mail consents"
