"""The campaign form (メール配信の作成・編集); the services validate, this form only turns
what was typed into the services' data."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daifuku.core.service_forms import ServiceForm

from .models import AbMetric

MERGE_FIELDS = ("display_name", "family_name", "given_name", "rank")

BLANK = [("", "—")]


class CampaignForm(ServiceForm):
    field_aliases = {
        "segment_id": "segment",
        "template_id": "template",
        "persona_id": "persona",
        "topic_id": "topic",
    }

    name = forms.CharField(label=_("Name"), max_length=200,
                           help_text=_("For you: recipients do not see it."))  # fmt: skip
    segment = forms.TypedChoiceField(label=_("Send to (segment or list)"), coerce=int)
    template = forms.TypedChoiceField(
        label=_("Start from a template"), coerce=int, required=False, empty_value=None,
        help_text=_("The subject and bodies left empty are copied from the template."),
    )  # fmt: skip
    subject = forms.CharField(
        label=pgettext_lazy("mail", "Subject"), max_length=200, required=False,
    )  # fmt: skip
    html = forms.CharField(label=_("HTML body"), required=False,
                           widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}))  # fmt: skip
    text = forms.CharField(label=_("Plain-text body"), required=False,
                           widget=forms.Textarea(attrs={"rows": 8}))  # fmt: skip
    persona = forms.TypedChoiceField(
        label=_("Sender persona"), coerce=int, required=False, empty_value=None,
        help_text=_("Empty: chosen by each recipient's age band (the default persona)."),
    )  # fmt: skip
    topic = forms.TypedChoiceField(
        label=_("Mail topic"), coerce=int, required=False, empty_value=None,
        help_text=_("People who refused this topic on their preference page are left out."),
    )  # fmt: skip
    is_advertising = forms.BooleanField(
        label=_("Advertising mail (特定電子メール法)"), required=False, initial=True,
        help_text=_("Advertising goes only to people with an opt-in consent on record; "
                    "notices (a recall, new terms) go to everyone who did not refuse mail."),
    )  # fmt: skip
    send_at = forms.DateTimeField(
        label=_("Send at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty: you start the send yourself from the campaign's page."),
    )  # fmt: skip
    variants = forms.CharField(
        label=_("A/B test: subjects to compare (one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or more subjects; empty for no test."),
    )  # fmt: skip
    ab_share = forms.IntegerField(label=_("Share of the audience in the test (%)"),
                                  min_value=0, max_value=100, required=False, initial=20)  # fmt: skip
    ab_metric = forms.ChoiceField(label=_("Winner chosen by"), choices=AbMetric.choices,
                                  initial=AbMetric.OPEN)  # fmt: skip
    ab_wait_hours = forms.IntegerField(label=_("Hours before the winner is chosen"),
                                       min_value=1, max_value=336, initial=4)  # fmt: skip

    def __init__(self, *args, segments=(), templates=(), personas=(), topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [("", _("Choose…")), *segments]
        self.fields["template"].choices = BLANK + list(templates)
        self.fields["persona"].choices = BLANK + list(personas)
        self.fields["topic"].choices = BLANK + list(topics)
        # the merge fields are written as they are typed, in <code> (not words to translate)
        self.fields["subject"].help_text = format_html(
            _("Merge fields: {} (「田中 太郎 様」), {} (family name), {} (given name), {} (rank)"),
            *(format_html("<code>{{{{ {} }}}}</code>", name) for name in MERGE_FIELDS),
        )

    def service_data(self) -> dict:
        data = self.cleaned_data
        send_at = data.get("send_at")
        if send_at is not None and timezone.is_naive(send_at):
            send_at = timezone.make_aware(send_at)
        subjects = [line.strip() for line in (data.get("variants") or "").splitlines()]
        return {
            "name": data["name"],
            "segment_id": data["segment"],
            "template_id": data.get("template"),
            "subject": data.get("subject") or "",
            "html": data.get("html") or "",
            "text": data.get("text") or "",
            "persona_id": data.get("persona"),
            "topic_id": data.get("topic"),
            "is_advertising": bool(data.get("is_advertising")),
            "send_at": send_at,
            "variants": [s for s in subjects if s],
            "ab_share": data.get("ab_share") or 0,
            "ab_metric": data.get("ab_metric"),
            "ab_wait_hours": data.get("ab_wait_hours") or 4,
        }


def initial_for(campaign, variants) -> dict:
    """The form's fields filled from a saved campaign."""
    send_at = timezone.localtime(campaign.send_at) if campaign.send_at else None
    return {
        "name": campaign.name,
        "segment": campaign.segment_id,
        "template": campaign.template_id,
        "subject": campaign.subject,
        "html": campaign.html,
        "text": campaign.text,
        "persona": campaign.persona_id,
        "topic": campaign.topic_id,
        "is_advertising": campaign.is_advertising,
        "send_at": send_at,
        "variants": "\n".join(v.subject for v in variants),
        "ab_share": campaign.ab_share,
        "ab_metric": campaign.ab_metric,
        "ab_wait_hours": campaign.ab_wait_hours,
    }
