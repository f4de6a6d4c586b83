"""Sales setup for managers: products (price list), pipelines and stages, fiscal year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE, sees_everything
from daifuku.core.errors import DomainError
from daifuku.core.screens import done, run_service

from .. import selectors, services
from ..forms import ProductForm, SettingsForm, StageForm
from ..selectors.deals import get_one
from .common import form_error_text


def _manager(request) -> None:
    if not sees_everything(request.user):
        raise PermissionDenied()


@login_required
def products(request):
    can_manage = sees_everything(request.user)
    form = ProductForm(request.POST or None)
    if request.method == "POST":
        _manager(request)
        if form.is_valid() and run_service(
            form, lambda: services.create_product(actor=request.user, data=form.cleaned_data)
        ):
            return done(request, _("Product added."), "sales:products")
    return render(
        request,
        "sales/products.html",
        {
            "products": selectors.products_queryset(request.user).order_by("code")[:500],
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def product_edit(request, pk: int):
    """Change a product on the price list (its category decides which 「購入した商品分類」
    segments its buyers fall into)."""
    _manager(request)
    product = get_one(selectors.products_queryset(request.user, CHANGE), pk)
    fields = ("code", "name", "unit_price", "tax_category", "unit", "category")
    form = ProductForm(request.POST or None, initial={f: getattr(product, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.update_product(
                actor=request.user, product=product, data=form.cleaned_data
            ),
        ):
            return done(request, _("Product saved."), "sales:products")
    return render(request, "sales/product_form.html", {"form": form, "product": product})


@login_required
def pipeline_setup(request):
    _manager(request)
    current = selectors.sales_settings()
    settings_form = SettingsForm(
        request.POST or None,
        initial={
            "fiscal_year_start_month": current.fiscal_year_start_month,
            "stall_days": current.stall_days,
        },
    )
    if request.method == "POST" and settings_form.is_valid():
        if run_service(
            settings_form,
            lambda: services.update_sales_settings(
                actor=request.user, data=settings_form.cleaned_data
            ),
        ):
            return done(request, _("Settings saved."), "sales:setup")
    return render(
        request,
        "sales/setup.html",
        {
            "pipelines": selectors.pipelines(request.user),
            "settings_form": settings_form,
            "stage_form": StageForm(),
            "lost_reasons": list(selectors.lost_reasons_queryset(request.user)),
        },
    )


@login_required
@require_POST
def pipeline_create(request):
    _manager(request)
    try:
        pipeline = services.create_pipeline(actor=request.user, name=request.POST.get("name", ""))
    except DomainError as exc:
        messages.error(
            request, "; ".join(m for msgs in exc.errors.values() for m in msgs) or str(exc.message)
        )
        return redirect("sales:setup")
    messages.success(request, _("Pipeline created."))
    return (
        redirect("sales:board", pipeline.pk)
        if request.POST.get("open")
        else redirect("sales:setup")
    )


def _stage_submit(request, call, success: str):
    form = StageForm(request.POST)
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        return done(request, success, "sales:setup")
    messages.error(request, form_error_text(form))
    return redirect("sales:setup")


@login_required
@require_POST
def stage_create(request, pk: int):
    _manager(request)
    pipeline = selectors.get_pipeline(request.user, pk, CHANGE)
    return _stage_submit(
        request,
        lambda data: services.create_stage(actor=request.user, pipeline=pipeline, data=data),
        _("Stage added."),
    )


@login_required
@require_POST
def stage_update(request, pk: int):
    _manager(request)
    stage = selectors.get_stage(request.user, pk, CHANGE)
    return _stage_submit(
        request,
        lambda data: services.update_stage(actor=request.user, stage=stage, data=data),
        _("Stage saved."),
    )


def _lost_reason_submit(request, call, success: str):
    try:
        call()
    except DomainError as exc:
        messages.error(
            request, "; ".join(m for msgs in exc.errors.values() for m in msgs) or str(exc.message)
        )
    else:
        messages.success(request, success)
    return redirect(f"{reverse('sales:setup')}#h-lost-reasons")


@login_required
@require_POST
def lost_reason_create(request):
    _manager(request)
    return _lost_reason_submit(
        request,
        lambda: services.create_lost_reason(actor=request.user, name=request.POST.get("name", "")),
        _("Lost reason added."),
    )


@login_required
@require_POST
def lost_reason_update(request, pk: int):
    """Rename a lost reason and switch it on or off (a reason in use is kept on its deals)."""
    _manager(request)
    reason = get_one(selectors.lost_reasons_queryset(request.user, CHANGE), pk)
    data = {"name": request.POST.get("name", ""), "is_active": request.POST.get("is_active") == "1"}
    if request.POST.get("position", "") != "":
        data["position"] = request.POST["position"]
    return _lost_reason_submit(
        request,
        lambda: services.update_lost_reason(actor=request.user, reason=reason, data=data),
        _("Lost reason saved."),
    )
