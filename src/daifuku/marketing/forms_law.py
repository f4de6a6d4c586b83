"""Forms of 設定 → メール配信 (sender identity, topics) and 配信除外アドレス: they parse what
the browser sends; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from daifuku.core.service_forms import ServiceForm


class SenderForm(ServiceForm):
    field_aliases = {"name": "sender_name"}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    sender_name = forms.CharField(
        label=_("Sender name"),
        max_length=200,
        required=False,
        help_text=_(
            "The company or shop name every advertising mail shows, e.g. 株式会社大福商事."
        ),
    )
    postal_address = forms.CharField(
        label=_("Sender postal address"),
        max_length=300,
        required=False,
        help_text=_("e.g. 〒100-0005 東京都千代田区丸の内1-1-1."),
    )
    contact = forms.CharField(
        label=_("Contact for inquiries"),
        max_length=300,
        required=False,
        help_text=_(
            "A phone number, e-mail address or URL customers can ask at, e.g. お客様窓口 03-1234-5678."
        ),
    )
    from_email = forms.CharField(
        label=_("From address"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "email"}),
    )
    reply_to = forms.CharField(
        label=_("Reply-to address"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "email"}),
    )
    unsubscribe_email = forms.CharField(
        label=_("Address that receives unsubscribe mails"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "email"}),
        help_text=_(
            "Named in the List-Unsubscribe header for mail programs that refuse by mail; the From address when empty."
        ),
    )

    under_order = forms.BooleanField(
        label=_("We received a 措置命令 (keep consent records for one year)"),
        required=False,
        help_text=_(
            "特定電子メール法 施行規則第4条: consent records are kept one month after the last mail, one year after a 措置命令."
        ),
    )

    def service_data(self) -> dict:
        data = {
            key: self.cleaned_data.get(key) or ""
            for key in ("postal_address", "contact", "from_email", "reply_to", "unsubscribe_email")
        }
        data["name"] = self.cleaned_data.get("sender_name") or ""
        data["under_order"] = bool(self.cleaned_data.get("under_order"))
        return data


class TopicForm(ServiceForm):
    name = forms.CharField(label=_("Topic name"), max_length=100, required=False)
    key = forms.CharField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_("Lower-case letters, digits, - and _, e.g. new-products."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class SuppressionForm(ServiceForm):
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"}),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
