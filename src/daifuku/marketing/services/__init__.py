"""Every write in marketing goes through these functions (docs/architecture.md convention 1)."""

from .lists import add_members, import_members, remove_members
from .segments import create_segment, delete_segment, update_segment

__all__ = [
    "add_members",
    "create_segment",
    "delete_segment",
    "import_members",
    "remove_members",
    "update_segment",
]
