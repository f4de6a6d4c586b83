"""The form of Settings → Web behaviour."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daifuku.core.service_forms import ServiceForm


class BehaviourSettingsForm(ServiceForm):
    require_consent = forms.BooleanField(
        label=_("Send nothing until the site signals consent (daifuku.consent(true))"),
        required=False,
    )
    allowed_origins = forms.CharField(
        label=_("Sites allowed to send (one origin a line, e.g. https://shop.example.jp)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    retention_days = forms.IntegerField(
        label=_("Keep events for (days)"), min_value=1, max_value=3650
    )
