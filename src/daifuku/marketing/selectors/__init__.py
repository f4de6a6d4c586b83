"""Every user-visible read in marketing, through ``restrict()`` (docs/architecture.md
convention 2): segments, their counts and their members (only the customers the reader
may read)."""

from .segments import (
    builder_fields,
    condition_text,
    count_members,
    count_rules,
    describe_rules,
    get_segment,
    list_segments,
    member_ids_page,
    members_condition,
    members_queryset,
    narrowing_for,
    segment_choices,
    segment_label,
    segments_queryset,
    selection_for,
)

__all__ = [
    "builder_fields",
    "count_members",
    "condition_text",
    "count_rules",
    "describe_rules",
    "get_segment",
    "list_segments",
    "member_ids_page",
    "members_condition",
    "members_queryset",
    "narrowing_for",
    "segment_choices",
    "segment_label",
    "segments_queryset",
    "selection_for",
]
