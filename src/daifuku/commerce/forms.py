"""The form of Settings → Order webhooks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daifuku.core.form_fields import ModelChoiceField
from daifuku.core.service_forms import ServiceForm

from .models import WebhookKind


class WebhookSourceForm(ServiceForm):
    name = forms.CharField(label=_("Site name"), max_length=100)
    kind = forms.ChoiceField(label=_("Format"), choices=WebhookKind.choices)
    secret = forms.CharField(
        label=_("Signing secret (Shopify: from Shopify's admin; ours: leave empty to generate)"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
    )
    shop_domain = forms.CharField(
        label=_("Shop domain (Shopify, e.g. example.myshopify.com)"), required=False
    )
    channel = ModelChoiceField(label=_("Sales channel"), queryset=None, required=False)
    create_missing_customers = forms.BooleanField(
        label=_("Add buyers the ledger does not know yet"), required=False, initial=True
    )

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
