"""The organisation profile form: parses what the browser sends; the service decides what
is valid and its messages land on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daifuku.core.service_forms import ServiceForm

from .services_organization import TEXT_FIELDS


class OrganizationForm(ServiceForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        help_text=_("Printed as the issuer on quotes, e.g. 株式会社大福商事."),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        help_text=_("7 digits; the address is filled in from it."),
    )
    prefecture = forms.CharField(label=_("Prefecture"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    address_line = forms.CharField(
        label=_("Town and street number"), max_length=200, required=False
    )
    building = forms.CharField(label=_("Building"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "email"}),
    )
    registration_number = forms.CharField(
        label=_("Qualified invoice issuer registration number"),
        max_length=20,
        required=False,
        help_text=_(
            "T followed by 13 digits (適格請求書発行事業者登録番号); printed on every quote."
        ),
    )
    seal = forms.FileField(
        label=_("Seal image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG of at most 1 MB, printed in the seal box of quotes."),
    )
    remove_seal = forms.BooleanField(label=_("Remove the current seal image"), required=False)
    inquiry_contact = forms.CharField(
        label=_("Inquiry contact"),
        max_length=200,
        required=False,
        help_text=_("Department or person customers contact, e.g. 営業部 お客様窓口."),
    )
    inquiry_email = forms.CharField(
        label=_("Inquiry email"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "email"}),
    )
    inquiry_phone = forms.CharField(
        label=_("Inquiry phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in TEXT_FIELDS}
