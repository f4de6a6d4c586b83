"""Every write of activities (docs/architecture.md convention 1)."""

from .actions import (
    cancel_next_action,
    complete_next_action,
    create_next_action,
    mark_notifications_read,
    notify,
    update_next_action,
)
from .attachments import add_attachment, remove_attachment
from .calendar_feed import disable_calendar_feed, enable_calendar_feed
from .quick import quick_entry
from .reviews import (
    approve_daily_report,
    comment_on_report,
    hand_over_customers,
    return_daily_report,
    set_activity_goal,
    submit_daily_report,
)
from .touches import delete_touch, log_touch, update_touch

__all__ = [
    "add_attachment",
    "approve_daily_report",
    "cancel_next_action",
    "comment_on_report",
    "complete_next_action",
    "create_next_action",
    "delete_touch",
    "disable_calendar_feed",
    "enable_calendar_feed",
    "hand_over_customers",
    "log_touch",
    "mark_notifications_read",
    "notify",
    "quick_entry",
    "remove_attachment",
    "return_daily_report",
    "set_activity_goal",
    "submit_daily_report",
    "update_next_action",
    "update_touch",
]
