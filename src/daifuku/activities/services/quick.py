"""Quick entry: log a touch, attach files and set the next action in one go."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from ..models import NextAction, Touch, TouchAttachment
from .actions import complete_next_action, create_next_action
from .attachments import add_attachment
from .touches import log_touch


@dataclass
class QuickEntryResult:
    touch: Touch
    attachments: list[TouchAttachment] = field(default_factory=list)
    next_action: NextAction | None = None
    completed: NextAction | None = None


@transaction.atomic
def quick_entry(
    *,
    actor,
    touch_data: dict,
    person=None,
    company=None,
    files=(),
    next_action_data: dict | None = None,
    complete: NextAction | None = None,
) -> QuickEntryResult:
    """Everything a rep types after a visit, all or nothing: if one photo is refused,
    nothing is saved and the form shows why."""
    touch = log_touch(actor=actor, data=touch_data, person=person, company=company)
    result = QuickEntryResult(touch=touch)
    for upload in files:
        result.attachments.append(add_attachment(actor=actor, touch=touch, upload=upload))
    if next_action_data:
        result.next_action = create_next_action(
            actor=actor, data=next_action_data, person=person, company=company
        )
    if complete is not None:
        result.completed = complete_next_action(actor=actor, action=complete, touch=touch)
    return result
