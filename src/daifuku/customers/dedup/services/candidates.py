"""The duplicate scan's writes: the candidate groups it found replace the open ones.

Finding them (blocking, scoring, grouping) is :mod:`daifuku.customers.dedup.scan`; ``daifuku
dedup scan`` and the scan job (``dedup.jobs``) call :func:`scan`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from daifuku.core import audit

from ...models import DuplicateGroup, DuplicateMember
from ..scan import ScanResult, group_key, group_pairs, matching_pairs


def store_groups(entity_type: str, found: list[dict]) -> tuple[int, int]:
    """Replace the open groups of ``entity_type`` with ``found``; ``(groups, new)``."""
    existing = {
        g.key: g for g in DuplicateGroup.objects.filter(entity_type=entity_type, status="open")
    }
    keep, create = [], []
    for group in found:
        key = group_key(entity_type, group["members"])
        if len(key) > 255:
            continue  # a runaway chain of weak links; not something to review as one group
        row = existing.pop(key, None)
        if row is None:
            row = DuplicateGroup(entity_type=entity_type, key=key)
            create.append(row)
        else:
            keep.append(row)
        row.member_ids, row.score, row.reasons, row.pairs = (
            group["members"],
            group["score"],
            group["reasons"],
            group["pairs"],
        )
    DuplicateGroup.objects.filter(pk__in=[g.pk for g in existing.values()]).delete()
    DuplicateGroup.objects.bulk_update(
        keep, ["member_ids", "score", "reasons", "pairs"], batch_size=500
    )
    for start in range(0, len(create), 2000):
        chunk = DuplicateGroup.objects.bulk_create(create[start : start + 2000])
        members = [
            DuplicateMember(
                group=g, **({"person_id": m} if entity_type == "person" else {"company_id": m})
            )
            for g in chunk
            for m in g.member_ids
        ]
        DuplicateMember.objects.bulk_create(members, batch_size=2000)
    return len(keep) + len(create), len(create)


def scan(*, actor, entity_type: str = "person", progress=None) -> ScanResult:
    """Find and store duplicate candidates of people or companies."""
    compared, matched = matching_pairs(entity_type, progress=progress)
    found = group_pairs(matched)
    with transaction.atomic():
        total, new = store_groups(entity_type, found)
        result = ScanResult(entity_type, compared, len(matched), total, new)
        audit.record(
            actor=actor,
            action="dedup_scan",
            object_type="customers.duplicategroup",
            object_repr=f"{entity_type} scan",
            changes={k: [None, v] for k, v in result.as_dict().items()},
            note=timezone.now().isoformat(),
        )
    return result
