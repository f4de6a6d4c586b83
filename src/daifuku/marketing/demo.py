"""Demo segments for ``daifuku demo``: a rule segment that uses attributes, consent and
purchases, and a small fixed list — so the segment pages have something to show."""

from __future__ import annotations

from .models import Segment
from .services import add_members, create_segment


def add_demo_segments(context) -> str:
    actor = context.users.get("admin") or "daifuku demo"
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
    return f"{made} segments"
