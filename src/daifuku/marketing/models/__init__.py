"""Marketing's records: segments (groups of customers by rules or by hand)."""

from .segments import Segment, SegmentKind, SegmentMembership, StaticMember

__all__ = ["Segment", "SegmentKind", "SegmentMembership", "StaticMember"]
