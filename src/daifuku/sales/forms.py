"""Forms parse what the browser sends; the sales services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daifuku.core.service_forms import ServiceForm

from .models import ForecastCategory, StageKind, TargetMetric, TaxCategory


class DealForm(ServiceForm):
    field_aliases = {
        "company_id": "company",
        "person_id": "person",
        "stage_id": "stage",
        "pipeline_id": "stage",
    }

    title = forms.CharField(label=pgettext_lazy("deal", "Title"), max_length=200)
    company = forms.IntegerField(
        required=False, widget=forms.HiddenInput(attrs={"id": "company-id"})
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    stage = forms.TypedChoiceField(label=pgettext_lazy("deal", "Stage"), coerce=int, required=False)
    amount = forms.CharField(
        label=_("Amount (yen)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    expected_close = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty to use the stage's probability."),
    )
    forecast_category = forms.ChoiceField(
        label=_("Forecast category"),
        choices=ForecastCategory.choices,
        initial=ForecastCategory.PIPELINE,
    )
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    competitors = forms.CharField(
        label=_("Competitors"), required=False, help_text=_("Separate names with commas.")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, pipelines=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for pipeline in pipelines:
            choices.append(
                (
                    pipeline.name,
                    [(s.pk, s.name) for s in pipeline.stages.all() if s.kind == StageKind.OPEN],
                )
            )
        self.fields["stage"].choices = choices
        if editing:
            del self.fields["stage"]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        result = {
            k: v for k, v in data.items() if k not in ("company", "person", "stage", "probability")
        }
        result["company_id"] = data.get("company")
        result["person_id"] = data.get("person")
        if "stage" in data and data.get("stage"):
            result["stage_id"] = data["stage"]
        result["probability"] = data.get("probability")
        return result


class LineItemForm(ServiceForm):
    field_aliases = {"product_id": "product"}

    product = forms.TypedChoiceField(
        label=_("Product"), coerce=int, required=False, empty_value=None
    )
    name = forms.CharField(label=_("Item"), max_length=200, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    unit_price = forms.CharField(
        label=_("Unit price (yen)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("Empty: the product's price."),
    )
    tax_category = forms.ChoiceField(
        label=_("Tax"), choices=[("", "—")] + list(TaxCategory.choices), required=False
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—")] + [
            (p.pk, f"{p.name} (¥{p.unit_price:,})") for p in products
        ]


class ProductForm(ServiceForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=pgettext_lazy("sales", "Name"), max_length=200)
    unit_price = forms.CharField(
        label=_("Unit price (yen, before tax)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    tax_category = forms.ChoiceField(label=_("Tax category"), choices=TaxCategory.choices)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    category = forms.CharField(
        label=pgettext_lazy("product", "Category"),
        max_length=100,
        required=False,
        help_text=_(
            "For example tea, sweets or teaware: segments select the buyers of a category."
        ),
    )


class TargetForm(ServiceForm):
    who = forms.ChoiceField(label=_("Rep or team"))
    metric = forms.ChoiceField(label=_("Metric"), choices=TargetMetric.choices)
    period = forms.CharField(
        label=_("Period"), max_length=10, help_text=_("2026-05, 2026-Q1 (fiscal) or FY2026")
    )
    value = forms.CharField(
        label=_("Target"), widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args, users=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = [
            (_("Teams"), [(f"team:{t.pk}", t.name) for t in teams]),
            (_("Reps"), [(f"user:{u.pk}", str(u)) for u in users]),
        ]


class StageForm(ServiceForm):
    name = forms.CharField(label=pgettext_lazy("sales", "Name"), max_length=100)
    probability = forms.IntegerField(
        label=_("Probability (%)"), min_value=0, max_value=100, initial=50
    )
    rotting_days = forms.IntegerField(label=_("Rotting limit (days)"), min_value=1, required=False)


class SettingsForm(ServiceForm):
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), coerce=int, choices=[(m, m) for m in range(1, 13)]
    )
    stall_days = forms.IntegerField(
        label=_("Stalled after days without a touch"), min_value=1, max_value=365
    )
