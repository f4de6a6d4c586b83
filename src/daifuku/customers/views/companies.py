"""Companies: list, detail, create/edit, trash."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE, DELETE, may
from daifuku.core import timeline
from daifuku.core.screens import done, int_or_none, page_or_partial, page_size, run_service

from .. import selectors, services
from ..custom_fields import active_definitions
from ..forms import CompanyForm
from .common import deleted_message, history_rows


@login_required
def company_list(request):
    q = request.GET.get("q", "").strip()
    owner = request.GET.get("owner", "")
    page = selectors.list_companies(
        request.user,
        q=q,
        owner=request.user.pk if owner == "me" else int_or_none(owner),
        cursor=request.GET.get("after") or request.GET.get("before"),
        size=page_size(request),
        sort=request.GET.get("sort", "kana"),
        backwards=bool(request.GET.get("before")),
    )
    params = request.GET.copy()
    params.pop("after", None)
    params.pop("before", None)
    context = {"page": page, "q": q, "owner": owner, "query_string": params.urlencode()}
    return page_or_partial(
        request, "customers/company_list.html", "customers/partials/_companies_table.html", context
    )


@login_required
def company_detail(request, pk: int):
    context = selectors.company_360(request.user, pk)
    company = context["company"]
    context["can_change"] = may(request.user, CHANGE, company)
    context["timeline"] = timeline.collect(company, user=request.user, limit=30)
    return render(request, "customers/company_detail.html", context)


@login_required
def company_create(request):
    form = CompanyForm(
        request.POST or None,
        definitions=active_definitions("company"),
        initial={"owner": request.user.pk, "team": request.user.team_id},
    )
    if request.method == "POST" and form.is_valid():
        company = run_service(
            form, lambda: services.create_company(actor=request.user, data=form.creation_data())
        )
        if company:
            return done(
                request,
                _("%(name)s was added.") % {"name": company.display_name},
                "customers:company",
                company.pk,
            )
    return render(request, "customers/company_form.html", {"form": form, "creating": True})


@login_required
def company_edit(request, pk: int):
    company = selectors.get_company(request.user, pk, CHANGE)
    initial = {
        **{
            f: getattr(company, f)
            for f in (
                "legal_form",
                "legal_form_position",
                "kana",
                "corporate_number",
                "postal_code",
                "prefecture",
                "city",
                "address_line",
                "building",
                "industry",
                "size",
                "website",
                "notes",
            )
        },
        "name": company.name,
        "emails": "\n".join(e.address for e in company.emails.all()),
        "phones": "\n".join(p.number for p in company.phones.all()),
        "tags": ", ".join(t.name for t in company.tags.all()),
        "owner": company.owner_id,
        "team": company.team_id,
        "version": company.version,
    }
    form = CompanyForm(
        request.POST or None,
        initial=initial,
        definitions=active_definitions("company"),
        custom_initial=company.custom_fields,
    )
    if request.method == "POST" and form.is_valid():
        updated = run_service(
            form,
            lambda: services.update_company(
                actor=request.user,
                company=company,
                data=form.to_data(),
                expected_version=form.cleaned_data.get("version"),
            ),
        )
        if updated:
            return done(request, _("Saved."), "customers:company", company.pk)
    return render(
        request,
        "customers/company_form.html",
        {"form": form, "company": company, "creating": False},
    )


@login_required
@require_POST
def company_delete(request, pk: int):
    company = selectors.get_company(request.user, pk, DELETE)
    services.delete_company(actor=request.user, company=company)
    return done(request, deleted_message(), "customers:companies")


@login_required
@require_POST
def company_restore(request, pk: int):
    company = selectors.trash(request.user, "company").filter(pk=pk).first()
    if company is None:
        raise Http404
    form = CompanyForm()
    restored = run_service(
        form, lambda: services.restore_company(actor=request.user, company=company)
    )
    if restored is None:
        from django.contrib import messages
        from django.shortcuts import redirect

        messages.error(
            request, " ".join(str(e) for e in form.non_field_errors()) or _("Could not restore.")
        )
        return redirect("customers:trash")
    return done(request, _("Restored."), "customers:company", company.pk)


@login_required
def company_history(request, pk: int):
    company = selectors.get_company(request.user, pk)
    return render(
        request,
        "customers/history.html",
        {
            "object": company,
            "rows": history_rows(company, request.user),
            "back_url": "customers:company",
        },
    )
