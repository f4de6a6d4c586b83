"""Marketing's records: segments (groups of customers by rules or by hand)."""

from .segments import Segment, SegmentKind, StaticMember

__all__ = ["Segment", "SegmentKind", "StaticMember"]
