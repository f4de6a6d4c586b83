from django.urls import path

from .views import actions, day, review, touches

app_name = "activities"

urlpatterns = [
    path("", day.home, name="home"),
    path("notifications/", day.notification_list, name="notifications"),
    path("notifications/read/", day.notifications_read, name="notifications-read"),
    path("calendar/rotate/", day.calendar_rotate, name="calendar-rotate"),
    path("calendar/disable/", day.calendar_disable, name="calendar-disable"),
    path("calendar/<str:secret>.ics", day.calendar_feed, name="calendar-feed"),
    path("log/", touches.quick_entry, name="log"),
    path("touches/", review.touch_list, name="touches"),
    path("touches/<int:pk>/", touches.touch_detail, name="touch"),
    path("touches/<int:pk>/edit/", touches.touch_edit, name="touch-edit"),
    path("touches/<int:pk>/delete/", touches.touch_delete, name="touch-delete"),
    path("attachments/<int:pk>/download/", touches.attachment_download, name="attachment"),
    path(
        "attachments/<int:pk>/thumbnail/", touches.attachment_thumbnail, name="attachment-thumbnail"
    ),
    path("attachments/<int:pk>/delete/", touches.attachment_delete, name="attachment-delete"),
    path("actions/new/", actions.action_create, name="action-create"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action-edit"),
    path("actions/<int:pk>/complete/", actions.action_complete, name="action-complete"),
    path("actions/<int:pk>/cancel/", actions.action_cancel, name="action-cancel"),
    path("team/", review.team_dashboard, name="team"),
    path("goals/", review.goals, name="goals"),
    path("reports/", review.report_list, name="reports"),
    path("reports/day/", review.report_day, name="report-day"),
    path("reports/<int:pk>/", review.report_detail, name="report"),
    path("reports/<int:pk>/approve/", review.report_approve, name="report-approve"),
    path("reports/<int:pk>/return/", review.report_return, name="report-return"),
    path("reports/missing/", review.reports_missing, name="reports-missing"),
    path("handover/", review.handover, name="handover"),
    path("handover/<str:kind>/<int:pk>/", review.handover_one, name="handover-one"),
    path("no-next-step/", review.no_next_step, name="no-next-step"),
]
