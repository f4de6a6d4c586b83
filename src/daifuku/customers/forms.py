"""Forms parse what the browser sends; the services decide what is valid. Errors from a
service (:class:`ValidationFailed`) are put back on the matching form field."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from daifuku.accounts.selectors import active_users, teams
from daifuku.core.form_fields import ModelChoiceField
from daifuku.core.japanese import LEGAL_FORMS, PREFECTURE_NAMES
from daifuku.core.service_forms import ServiceForm

from .models import CustomFieldDefinition
from .models.companies import CompanySize, Industry, LegalFormPosition
from .models.consent import Channel, ConsentMethod, ConsentStatus
from .models.custom_fields import FieldType, Target
from .models.people import Gender, HouseholdRelation, Lifecycle, RelationshipStage, SourceChannel


def _blank(choices):
    return [("", "—")] + list(choices)


class LedgerForm(ServiceForm):
    """The customer ledger's forms: the shared :class:`ServiceForm`, and a custom field's
    error (``custom_fields.rank``) goes on its ``cf_rank`` field."""

    def field_for(self, name: str) -> str:
        target = self.field_aliases.get(name, name)
        if target.startswith("custom_fields."):
            return "cf_" + target.split(".", 1)[1]
        return super().field_for(target)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip()]


class CustomFieldsMixin:
    target = "person"

    def add_custom_fields(
        self, definitions: list[CustomFieldDefinition], initial: dict | None
    ) -> None:
        self.custom_definitions = definitions
        for d in definitions:
            name = f"cf_{d.key}"
            common = {"label": d.label, "required": False, "help_text": d.help_text}
            if d.field_type == FieldType.BOOLEAN:
                field = forms.BooleanField(**common)
            elif d.field_type == FieldType.CHOICE:
                field = forms.ChoiceField(choices=_blank((c, c) for c in d.choices), **common)
            elif d.field_type == FieldType.MULTI_CHOICE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in d.choices],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            elif d.field_type == FieldType.DATE:
                field = forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
            elif d.field_type == FieldType.NUMBER:
                field = forms.CharField(
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
                )
            else:
                field = forms.CharField(max_length=1000, **common)
            self.fields[name] = field
            if initial and d.key in initial:
                self.initial[name] = initial[d.key]

    def custom_values(self) -> dict:
        values = {}
        for d in getattr(self, "custom_definitions", []):
            raw = self.cleaned_data.get(f"cf_{d.key}")
            if d.field_type == FieldType.BOOLEAN:
                values[d.key] = bool(raw)
            else:
                values[d.key] = raw if raw not in ("", None, []) else None
        return values


class PersonForm(CustomFieldsMixin, LedgerForm):
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_kana = forms.CharField(
        label=_("Family name (kana)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "タナカ"}),
    )
    given_kana = forms.CharField(
        label=_("Given name (kana)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "タロウ"}),
    )
    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; the first is the primary address."),
    )
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; the first is the primary number."),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": "100-0001", "autocomplete": "postal-code"}
        ),
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"), choices=_blank((p, p) for p in PREFECTURE_NAMES), required=False
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    address_line = forms.CharField(label=_("Address"), max_length=200, required=False)
    building = forms.CharField(label=_("Building"), max_length=200, required=False)
    birthday = forms.CharField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=_blank(Gender.choices), required=False)
    relationship_stage = forms.ChoiceField(
        label=_("Relationship stage"), choices=RelationshipStage.choices, required=False
    )
    lifecycle = forms.ChoiceField(label=_("Lifecycle"), choices=Lifecycle.choices, required=False)
    source_channel = forms.ChoiceField(
        label=_("Source channel"), choices=_blank(SourceChannel.choices), required=False
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate with commas."))
    owner = ModelChoiceField(label=_("Owner"), queryset=active_users(), required=False)
    team = ModelChoiceField(label=_("Team"), queryset=teams(), required=False)
    preferences = forms.CharField(
        label=_("Preferences"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    member_number = forms.CharField(
        label=_("Member number"),
        max_length=60,
        required=False,
        help_text=_("The number the shop's till, EC site or point card knows the customer by."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, definitions=(), custom_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_custom_fields(list(definitions), custom_initial)

    def to_data(self) -> dict:
        data = {
            k: v for k, v in self.cleaned_data.items() if not k.startswith("cf_") and k != "version"
        }
        data["emails"] = _lines(data.get("emails", ""))
        data["phones"] = _lines(data.get("phones", ""))
        data["tags"] = [
            t.strip() for t in (data.get("tags") or "").replace("、", ",").split(",") if t.strip()
        ]
        data["custom_fields"] = self.custom_values()
        return data

    def creation_data(self) -> dict:
        """On create an empty owner/team means "me and my team" (the service default)."""
        data = self.to_data()
        for key in ("owner", "team"):
            if not data.get(key):
                data.pop(key, None)
        return data


class CompanyForm(CustomFieldsMixin, LedgerForm):
    name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        required=False,
        help_text=_("You may include the legal form: 株式会社, (株) or ㈱, before or after."),
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=_blank(LEGAL_FORMS.items()), required=False
    )
    legal_form_position = forms.ChoiceField(
        label=_("Legal form position"), choices=_blank(LegalFormPosition.choices), required=False
    )
    kana = forms.CharField(label=_("Company name (kana)"), max_length=200, required=False)
    corporate_number = forms.CharField(
        label=_("Corporate number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("13 digits (法人番号)."),
    )
    emails = PersonForm.base_fields["emails"]
    phones = PersonForm.base_fields["phones"]
    postal_code = PersonForm.base_fields["postal_code"]
    prefecture = PersonForm.base_fields["prefecture"]
    city = PersonForm.base_fields["city"]
    address_line = PersonForm.base_fields["address_line"]
    building = PersonForm.base_fields["building"]
    industry = forms.ChoiceField(
        label=_("Industry"), choices=_blank(Industry.choices), required=False
    )
    size = forms.ChoiceField(label=_("Size"), choices=_blank(CompanySize.choices), required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    tags = PersonForm.base_fields["tags"]
    owner = PersonForm.base_fields["owner"]
    team = PersonForm.base_fields["team"]
    notes = PersonForm.base_fields["notes"]
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, definitions=(), custom_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_custom_fields(list(definitions), custom_initial)

    to_data = PersonForm.to_data
    creation_data = PersonForm.creation_data


class HouseholdRelationField(forms.ChoiceField):
    """The relation select, which also takes the words people type or send for it (子,
    長男, 妻 …: HouseholdRelation.parse) and says which are accepted in their language."""

    def __init__(self, **kwargs):
        super().__init__(choices=HouseholdRelation.choices, **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return HouseholdRelation.parse(text) or text

    def validate(self, value):
        if value and HouseholdRelation.parse(value) is None:
            separator = pgettext("list separator", ", ")
            raise forms.ValidationError(
                gettext("Choose one of: %(choices)s.")
                % {"choices": separator.join(str(label) for label in HouseholdRelation.labels)},
                code="invalid_choice",
            )
        super().validate(value)


class HouseholdForm(LedgerForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kana = forms.CharField(label=_("Kana"), max_length=100, required=False)
    relation = HouseholdRelationField(label=_("Relation"))
    birthday = forms.CharField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class ContactForm(LedgerForm):
    company = forms.IntegerField(label=_("Company"), widget=forms.HiddenInput)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    is_key_person = forms.BooleanField(label=_("Key person"), required=False)


class ConsentForm(LedgerForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ConsentStatus.choices)
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))


class TagForm(LedgerForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    color = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#6b7280",
        widget=forms.TextInput(attrs={"type": "color"}),
    )


class CustomFieldForm(LedgerForm):
    target = forms.ChoiceField(label=_("Applies to"), choices=Target.choices)
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "hx-get": reverse_lazy("customers:custom-field-key"),
                "hx-trigger": "keyup changed delay:300ms, change",
                "hx-target": "#id_key",
                "hx-swap": "outerHTML",
                "hx-include": "#id_target, #id_key",
            }
        ),
    )
    key = forms.CharField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_(
            "For the API and imports. Left empty, it is made from the label (shown in the box); lower-case "
            "letters, digits and _; cannot change later."
        ),
    )
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For choice fields: one per line."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)
