"""Search box, postal code lookup, tags, custom field definitions and the trash."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import sees_everything
from daifuku.core.japanese import lookup_postal_code, normalize_postal_code
from daifuku.core.screens import done, run_service, wants_partial

from .. import selectors, services
from ..custom_fields import suggest_key
from ..forms import CustomFieldForm, TagForm
from ..selectors import reference


@login_required
def search(request):
    q = request.GET.get("q", "").strip()
    results, next_cursor = (
        selectors.search_customers(request.user, q, cursor=request.GET.get("after"), limit=20)
        if q
        else ([], None)
    )
    return render(
        request, "customers/search.html", {"q": q, "results": results, "next_cursor": next_cursor}
    )


@login_required
def postal_lookup(request):
    """Fills prefecture and city from a 7-digit code; offers a choice when several towns
    share the code. JSON for scripts, a partial for htmx."""
    code = normalize_postal_code(request.GET.get("postal_code", "") or request.GET.get("code", ""))
    areas = lookup_postal_code(code) if code else []
    if wants_partial(request):
        return render(
            request, "customers/partials/_postal_choices.html", {"areas": areas, "code": code}
        )
    return JsonResponse(
        {
            "postal_code": code,
            "areas": [{"prefecture": a.prefecture, "city": a.city, "town": a.town} for a in areas],
        }
    )


def _require_manager(request):
    if not sees_everything(request.user):
        raise Http404


@login_required
def tag_list(request):
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.create_tag(actor=request.user, **form.cleaned_data)):
            return done(request, _("Tag added."), "customers:tags")
    return render(request, "customers/tags.html", {"form": form, "tags": reference.tags()})


@login_required
@require_POST
def tag_delete(request, pk: int):
    _require_manager(request)
    services.delete_tag(actor=request.user, tag=reference.get_tag(pk))
    return done(request, _("Tag deleted."), "customers:tags")


@login_required
def custom_field_list(request):
    _require_manager(request)
    form = CustomFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.define_custom_field(actor=request.user, data=form.cleaned_data)
        ):
            return done(request, _("Custom field added."), "customers:custom-fields")
    return render(
        request,
        "customers/custom_fields.html",
        {"form": form, "definitions": reference.custom_field_definitions()},
    )


@login_required
def custom_field_key(request):
    """The key field of the add-a-field form again, its placeholder the key the label
    gives (what is saved if the administrator types none): fetched as the label is typed."""
    _require_manager(request)
    form = CustomFieldForm(initial={"key": request.GET.get("key", "")})
    target = request.GET.get("target", "")
    form.fields["key"].widget.attrs["placeholder"] = suggest_key(
        request.GET.get("label"), reference.custom_field_keys(target)
    )
    return HttpResponse(str(form["key"]))


@login_required
@require_POST
def custom_field_toggle(request, pk: int):
    _require_manager(request)
    definition = reference.get_custom_field_definition(pk)
    services.update_custom_field(
        actor=request.user, definition=definition, data={"is_active": not definition.is_active}
    )
    return redirect("customers:custom-fields")


@login_required
def trash(request):
    return render(
        request,
        "customers/trash.html",
        {
            "people": selectors.trash(request.user, "person")[:200],
            "companies": selectors.trash(request.user, "company")[:200],
        },
    )
