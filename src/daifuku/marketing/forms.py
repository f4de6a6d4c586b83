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


class DkimKeyForm(ServiceForm):
    """The domain and selector a new DKIM key is made for (送信ドメインの確認)."""

    domain = forms.CharField(label=_("Signing domain"), max_length=253)
    selector = forms.CharField(
        label=pgettext_lazy("DKIM", "Selector"),
        max_length=63,
        help_text=_(
            "A name for this key in letters, digits and hyphens; a new name for each new key."
        ),
    )
