"""Field-sales activity: touches (タッチ情報) with attachments, next actions, reminders,
activity goals, daily reports (日報) and who owned a customer when."""

from .actions import NextAction, Notification, Priority, Status
from .goals import (
    ActivityGoal,
    DailyReport,
    DailyReportComment,
    GoalPeriod,
    OwnershipPeriod,
    ReportStatus,
)
from .rollups import PersonLastTouch, RepCustomerPeriod, RollupPeriod
from .touches import Mood, Touch, TouchAttachment, TouchDailyCount, TouchKind

__all__ = [
    "ActivityGoal",
    "DailyReport",
    "DailyReportComment",
    "GoalPeriod",
    "Mood",
    "NextAction",
    "Notification",
    "OwnershipPeriod",
    "PersonLastTouch",
    "Priority",
    "RepCustomerPeriod",
    "ReportStatus",
    "RollupPeriod",
    "Status",
    "Touch",
    "TouchAttachment",
    "TouchDailyCount",
    "TouchKind",
]
