"""Segment conditions: the registry of fields (:mod:`.registry`), the rule tree's
validation and compilation (:mod:`.tree`) and the fields that exist today — the ledger
(:mod:`.ledger`), purchases, touches and deals (:mod:`.activity`), product categories
(:mod:`.categories`), other segments
(:mod:`.membership`), analytics' figures and web behaviour (:mod:`.insight`). Importing this package registers them all."""

from . import activity, categories, insight, ledger, membership  # noqa: F401  (register their fields)
from .membership import segment_q
from .registry import (
    GROUPS,
    OPERATOR_LABELS,
    OPERATOR_SENTENCES,
    Condition,
    Context,
    Field,
    fields,
    get,
    register,
    register_family,
)
from .tree import Group, as_json, compile_tree, parse, referenced_segments, today_context

__all__ = [
    "GROUPS",
    "OPERATOR_LABELS",
    "OPERATOR_SENTENCES",
    "Condition",
    "Context",
    "Field",
    "Group",
    "as_json",
    "compile_tree",
    "fields",
    "get",
    "parse",
    "referenced_segments",
    "register",
    "register_family",
    "segment_q",
    "today_context",
]
