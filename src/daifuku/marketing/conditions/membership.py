"""Membership of other segments as a condition ("in the segment 「優良顧客」"), and the one
function that turns any segment into the people it holds."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daifuku.core.errors import ValidationFailed

from ..models import Segment, SegmentKind, StaticMember
from .ledger import CHOICE_OPS, on_values
from .registry import CHOICE, Condition, Context, Field, register
from .tree import compile_tree, parse, today_context


def segment_q(segment: Segment, context: Context | None = None) -> Q:
    """The people of ``segment`` as a ``Q`` on people: a list's members, or the rules
    compiled for today. Rules that no longer validate (a custom field removed since) and
    a cycle (which the services refuse, so only a hand-edited database has one) select
    no one rather than fail the page."""
    context = context or today_context()
    if segment.kind == SegmentKind.STATIC:
        return Q(pk__in=StaticMember.objects.filter(segment_id=segment.pk).values("person_id"))
    if segment.pk in context.visiting:
        return Q(pk__in=[])
    try:
        group = parse(segment.rules)
    except ValidationFailed:
        return Q(pk__in=[])
    return compile_tree(group, replace(context, visiting=context.visiting | {segment.pk}))


def _compile_segment(condition: Condition, context: Context) -> Q:
    def matches(ids) -> Q:
        q = Q(pk__in=[])
        for segment in Segment.objects.filter(pk__in=ids):
            q |= segment_q(segment, context)
        return q

    return on_values(condition, matches)


def _segments() -> list[tuple[object, str]]:
    return list(Segment.objects.order_by("name").values_list("pk", "name"))


register(
    Field(
        "segment",
        _("Member of the segment"),
        "segments",
        CHOICE,
        CHOICE_OPS,
        _compile_segment,
        choices=_segments,
    )
)
