"""Forms of the segment screens; the services validate (the rule tree too)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daifuku.core.service_forms import ServiceForm

from .models import SegmentKind


class SegmentForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=SegmentKind.choices, initial=SegmentKind.DYNAMIC,
        widget=forms.RadioSelect,
    )  # fmt: skip
    # the rule tree as JSON, written by the rule builder (static/marketing/builder.js)
    rules = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"id": "rules-json"}))

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["kind"]


class ImportForm(ServiceForm):
    text = forms.CharField(
        label=_("Ids, e-mail addresses or member numbers"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "hanako@example.jp\nM-0001"}),
    )


class MailTemplateForm(ServiceForm):
    """A mail template: the service compiles it (errors per part, with the line)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    subject = forms.CharField(
        label=pgettext_lazy("mail", "Subject"),
        max_length=200,
        help_text=_("Merge fields work here too: {{ family_name }} 様"),
    )
    html = forms.CharField(
        label=_("HTML body"), required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
    )  # fmt: skip
    text = forms.CharField(
        label=_("Plain-text body"), required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "code"}),
    )  # fmt: skip
    is_advertising = forms.BooleanField(
        label=_("Advertising mail (広告宣伝メール)"), required=False, initial=True,
        help_text=_("Sent only to people who opted in, with the sender's details and a way to refuse (特定電子メール法)."),
    )  # fmt: skip


class PersonaForm(ServiceForm):
    """A sender persona (the photo is a file field; the service checks the rest)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    from_name = forms.CharField(label=_("Sender name shown"), max_length=100)
    from_email = forms.EmailField(label=_("From address"), required=False)
    signature_text = forms.CharField(
        label=_("Signature (plain text)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    signature_html = forms.CharField(
        label=_("Signature (HTML)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "code"}),
        help_text=_("Empty: the plain-text signature is used in HTML mails too."),
    )  # fmt: skip
    photo = forms.ImageField(label=_("Photo"), required=False)
    clear_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    age_bands = forms.MultipleChoiceField(
        label=_("Age bands this persona writes to"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    is_default = forms.BooleanField(
        label=_("Default persona (for everyone no age band names)"), required=False
    )
    sort_order = forms.IntegerField(label=_("Order"), required=False, min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .conditions.ledger import BAND_LABELS  # the segments' age_band codes

        self.fields["age_bands"].choices = list(BAND_LABELS.items())


class TestSendForm(ServiceForm):
    to = forms.EmailField(label=_("Send a test to"))
