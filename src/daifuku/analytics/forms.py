"""Forms of the advocacy screens (errors come from the services: core.service_forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daifuku.core.service_forms import ServiceForm


class NpsForm(ServiceForm):
    score = forms.IntegerField(label=_("Score (0–10)"), min_value=0, max_value=10)
    answered_on = forms.DateField(
        label=_("Answered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(
        label=pgettext_lazy("nps answer", "Source"), max_length=50, required=False
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralForm(ServiceForm):
    referred_id = forms.IntegerField(label=_("Introduced customer (person ID)"), min_value=1)
    referred_on = forms.DateField(
        label=_("Introduced on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AdvocateRulesForm(ServiceForm):
    min_nps = forms.IntegerField(label=_("Minimum NPS score"), min_value=0, max_value=10)
    nps_within_days = forms.IntegerField(
        label=_("NPS answers of the last (days)"), min_value=1, max_value=3650
    )
    min_referrals = forms.IntegerField(label=_("Minimum referrals"), min_value=0, max_value=1000)
    require_both = forms.BooleanField(
        label=_("Require both (otherwise either is enough)"), required=False
    )
