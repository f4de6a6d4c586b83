"""Forms parse what the browser sends; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daifuku.accounts.selectors import active_users
from daifuku.core.form_fields import ModelChoiceField
from daifuku.core.service_forms import ServiceForm

from .models import GoalPeriod, Mood, Priority, TouchKind

LOCAL = "%Y-%m-%dT%H:%M"


def _blank(choices):
    return [("", "—")] + list(choices)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL, **kwargs)


def local_datetime(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


def assignee_field(required=False):
    return ModelChoiceField(
        active_users(), label=_("Assignee"), required=required, empty_label=_("Me")
    )


class TouchForm(ServiceForm):
    """The touch part of quick entry, and the edit form."""

    kind = forms.ChoiceField(label=_("Kind"), choices=TouchKind.choices, initial=TouchKind.VISIT)
    occurred_at = local_datetime(_("When"))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0
    )
    summary = forms.CharField(label=_("Summary"), max_length=200)
    body = forms.CharField(
        label=_("Details (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)
    mood = forms.ChoiceField(label=_("Temperature"), choices=_blank(Mood.choices), required=False)
    follow_up = forms.BooleanField(label=_("Needs follow-up"), required=False)
    is_private = forms.BooleanField(label=_("Private note (only I can see it)"), required=False)

    def touch_data(self) -> dict:
        names = (
            "kind",
            "occurred_at",
            "duration_minutes",
            "summary",
            "body",
            "outcome",
            "mood",
            "follow_up",
            "is_private",
        )
        return {name: self.cleaned_data.get(name) for name in names}


class QuickEntryForm(TouchForm):
    """One phone-friendly form: log the touch, attach photos, set the next action."""

    field_aliases = {
        "title": "next_title",
        "due_at": "next_due_at",
        "assignee": "next_assignee",
        "priority": "next_priority",
    }

    next_title = forms.CharField(label=_("Next action"), max_length=200, required=False)
    next_due_at = local_datetime(_("Next action due"), required=False)
    next_kind = forms.ChoiceField(
        label=_("Next action kind"), choices=_blank(TouchKind.choices), required=False
    )
    next_assignee = assignee_field()
    next_priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    complete_action = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def clean(self):
        data = super().clean()
        if data.get("next_title") and not data.get("next_due_at"):
            self.add_error("next_due_at", _("Say when the next action is due."))
        if data.get("next_due_at") and not data.get("next_title"):
            self.add_error("next_title", _("Say what the next action is."))
        return data

    def next_action_data(self) -> dict | None:
        if not self.cleaned_data.get("next_title"):
            return None
        data = {
            "title": self.cleaned_data["next_title"],
            "due_at": self.cleaned_data["next_due_at"],
            "kind": self.cleaned_data.get("next_kind") or "",
            "priority": self.cleaned_data["next_priority"],
        }
        if self.cleaned_data.get("next_assignee"):
            data["assignee"] = self.cleaned_data["next_assignee"]
        return data


class NextActionForm(ServiceForm):
    title = forms.CharField(label=_("What"), max_length=200)
    due_at = local_datetime(_("Due"))
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(TouchKind.choices), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0
    )
    assignee = assignee_field()
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    remind_minutes_before = forms.IntegerField(
        label=_("Remind (minutes before)"), initial=30, min_value=0
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("assignee"):
            data.pop("assignee", None)
        return data


class HandoverForm(ServiceForm):
    # on every 360° page: its list of colleagues renders through core.form_renderer (no
    # per-option templates) and is read by core.form_fields in one query
    to_user = ModelChoiceField(active_users(), label=_("Hand over to"))
    note = forms.CharField(
        label=_("Handover note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GoalForm(ServiceForm):
    rep = ModelChoiceField(
        active_users(), label=_("Rep"), required=False, empty_label=_("Every rep of the team")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind"))] + list(TouchKind.choices), required=False
    )
    period = forms.ChoiceField(
        label=_("Period"), choices=GoalPeriod.choices, initial=GoalPeriod.WEEK
    )
    target = forms.IntegerField(
        label=_("Target (0 removes the goal)"), min_value=0, max_value=10_000
    )


class ReportForm(ServiceForm):
    reflection = forms.CharField(
        label=_("Reflection and plan for tomorrow"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CommentForm(ServiceForm):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
