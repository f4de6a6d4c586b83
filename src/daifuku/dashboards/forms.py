"""Forms of the KPI pages (their errors come from the services: core.service_forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daifuku.core.service_forms import ServiceForm

from .periods import PeriodType


class KpiForm(ServiceForm):
    metric = forms.ChoiceField(label=_("Metric"))
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    period_type = forms.ChoiceField(label=_("Period"), choices=PeriodType.choices)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    owner_only = forms.BooleanField(label=_("Count only the owner's figures"), required=False)

    def __init__(self, *args, metrics=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = list(metrics)
        self.fields["owner"].choices = [("", "—")] + [(str(u.pk), str(u)) for u in owners]
