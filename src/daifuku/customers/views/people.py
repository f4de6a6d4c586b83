"""People: list, 360° view, create/edit, trash."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.permissions import CHANGE, DELETE, may
from daifuku.core import panels, selections, timeline
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.screens import done, int_or_none, page_or_partial, page_size, run_service

from .. import list_extensions, list_filters, selectors, services
from ..custom_fields import active_definitions
from ..forms import ConsentForm, ContactForm, HouseholdForm, PersonForm
from ..models.people import Lifecycle, RelationshipStage
from ..selectors import reference
from .common import deleted_message, history_rows


def _selection(request) -> dict:
    """People handed over by a dashboard's bar or cell (``core.selections``): a bad or
    expired token selects nobody rather than everybody."""
    token = request.GET.get("selection", "")
    if not token:
        return {}
    found = selections.resolve(token, request.user)
    if found is None:
        return {"ids": (), "selection": token, "selection_label": _("This selection has expired.")}
    ids, label = found
    return {"ids": tuple(ids[:SELECTION_CAP]), "selection": token, "selection_label": label}


SELECTION_CAP = 20_000  # one IN list; larger groups are filtered by their own criteria


def _filters(request, *, with_selection: bool = True) -> selectors.PersonFilters:
    owner = request.GET.get("owner", "")
    within, _labels = list_filters.from_query(request.user, request.GET)
    return selectors.PersonFilters(
        **(_selection(request) if with_selection else {}),
        within=within,
        q=request.GET.get("q", "").strip(),
        owner=request.user.pk if owner == "me" else int_or_none(owner),
        team=int_or_none(request.GET.get("team")),
        lifecycle=request.GET.get("lifecycle", "")
        if request.GET.get("lifecycle") in Lifecycle.values
        else "",
        stage=request.GET.get("stage", "")
        if request.GET.get("stage") in RelationshipStage.values
        else "",
        tag=int_or_none(request.GET.get("tag")),
        prefecture=request.GET.get("prefecture", ""),
        extra=list_extensions.filter_values(request.GET),
    )


@login_required
def person_list(request):
    filters = _filters(request)
    sort = request.GET.get("sort", "kana")
    page = selectors.list_people(
        request.user,
        filters,
        sort=sort,
        cursor=request.GET.get("after") or request.GET.get("before"),
        size=page_size(request),
        backwards=bool(request.GET.get("before")),
    )
    count, more = selectors.count_people(request.user, filters)
    context = {
        "page": page,
        "filters": filters,
        "sort": sort,
        "count": count,
        "count_more": more,
        "lifecycles": Lifecycle.choices,
        "stages": RelationshipStage.choices,
        "query_string": _without(request, ("after", "before")),
        # what a higher domain narrows the list to (「セグメント: 優良顧客」)
        "narrowed_by": list_filters.from_query(request.user, request.GET)[1],
        # ?add_to=<id>: a checkbox per row to put people onto a marketing list
        "selection": list_filters.selection_from_query(request.user, request.GET),
        # rank, RFM, LTV … (other domains' filters and sort keys, customers.list_extensions)
        "extension_filters": [
            {"item": item, "value": filters.extra.get(item.key, "")}
            for item in list_extensions.filters()
        ],
        "extension_sorts": list_extensions.sorts(),
        # how many filters are set: shown on the folded filters of a phone
        "active_filters": sum(
            bool(request.GET.get(key))
            for key in (
                "owner",
                "team",
                "tag",
                "lifecycle",
                "stage",
                "prefecture",
                "selection",
                *list_filters.params(),
            )
        )
        + len(filters.extra)
        + (sort != "kana"),
    }
    return page_or_partial(
        request, "customers/person_list.html", "customers/partials/_people_table.html", context
    )


@login_required
def person_filter_options(request):
    """Owner, team and tag choices of the list filters, fetched by htmx after the list so
    the list request itself stays within its query budget on any page size."""
    filters = _filters(request, with_selection=False)
    return render(
        request,
        "customers/partials/_people_filter_options.html",
        {
            "filters": filters,
            "owner_param": request.GET.get("owner", ""),
            "owners": account_selectors.active_users(),
            "teams": account_selectors.teams(),
            "tags": reference.tags(),
        },
    )


def _without(request, keys) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


@login_required
def person_detail(request, pk: int):
    context = selectors.person_360(request.user, pk)
    person = context["person"]
    context.update(
        {
            "can_change": may(request.user, CHANGE, person),
            "timeline": timeline.collect(person, user=request.user, limit=30),
            "stages": RelationshipStage.choices,
            "household_form": HouseholdForm(),
            "contact_form": ContactForm(),
            "consent_form": ConsentForm(),
            "stage_reached": {c.stage: c.reached_on for c in context["stage_changes"]},
            "top_panels": panels.render_context("person.top", request, person),
        }
    )
    return render(request, "customers/person_detail.html", context)


@login_required
def person_create(request):
    definitions = active_definitions("person")
    form = PersonForm(
        request.POST or None,
        definitions=definitions,
        initial={"owner": request.user.pk, "team": request.user.team_id},
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        # 名寄せ: a probable duplicate is shown once before saving; "Save" again confirms
        if not request.POST.get("confirm_duplicate"):
            from ..dedup.selectors import probable_duplicates

            duplicates = probable_duplicates(request.user, form.creation_data())
        if not duplicates:
            person = run_service(
                form, lambda: services.create_person(actor=request.user, data=form.creation_data())
            )
            if person:
                return done(
                    request,
                    _("%(name)s was added.") % {"name": person.display_name},
                    "customers:person",
                    person.pk,
                )
    return render(
        request,
        "customers/person_form.html",
        {"form": form, "creating": True, "duplicates": duplicates},
    )


@login_required
@require_POST
def person_validate(request):
    """As-you-type checks of the person form (htmx): runs the service's own validation
    without saving and returns an out-of-band error list for every field the user has
    filled in, so a wrong kana or phone number is flagged before "Save"."""
    person = None
    if request.GET.get("person"):
        person = selectors.get_person(request.user, request.GET["person"], CHANGE)
    form = PersonForm(request.POST, definitions=active_definitions("person"))
    form.is_valid()
    errors: dict[str, list[str]] = {name: list(msgs) for name, msgs in form.errors.items()}
    if not errors:
        data = form.to_data() if person else form.creation_data()
        try:
            services.validate_person_data(data, creating=person is None, current=person)
        except ValidationFailed as exc:
            form.apply_errors(exc)
            errors = {name: list(msgs) for name, msgs in form.errors.items()}
    fields = []
    for name in form.fields:
        if name in ("version",):
            continue
        filled = bool(request.POST.get(name, "").strip()) or bool(request.POST.getlist(name)[1:])
        fields.append(
            {"id": form[name].id_for_label, "errors": errors.get(name, []) if filled else []}
        )
    return render(request, "customers/partials/_validation.html", {"fields": fields})


@login_required
def person_edit(request, pk: int):
    person = selectors.get_person(request.user, pk, CHANGE)
    definitions = active_definitions("person")
    initial = {
        **{
            f: getattr(person, f)
            for f in (
                "family_name",
                "given_name",
                "family_kana",
                "given_kana",
                "postal_code",
                "prefecture",
                "city",
                "address_line",
                "building",
                "gender",
                "relationship_stage",
                "lifecycle",
                "source_channel",
                "preferences",
                "notes",
                "member_number",
            )
        },
        "birthday": person.birthday.isoformat() if person.birthday else "",
        "emails": "\n".join(e.address for e in person.emails.all()),
        "phones": "\n".join(p.number for p in person.phones.all()),
        "tags": ", ".join(t.name for t in person.tags.all()),
        "owner": person.owner_id,
        "team": person.team_id,
        "version": person.version,
    }
    form = PersonForm(
        request.POST or None,
        initial=initial,
        definitions=definitions,
        custom_initial=person.custom_fields,
    )
    if request.method == "POST" and form.is_valid():
        updated = run_service(
            form,
            lambda: services.update_person(
                actor=request.user,
                person=person,
                data=form.to_data(),
                expected_version=form.cleaned_data.get("version"),
            ),
        )
        if updated:
            return done(request, _("Saved."), "customers:person", person.pk)
    return render(
        request, "customers/person_form.html", {"form": form, "person": person, "creating": False}
    )


@login_required
@require_POST
def person_delete(request, pk: int):
    person = selectors.get_person(request.user, pk, DELETE)
    services.delete_person(actor=request.user, person=person)
    return done(request, deleted_message(), "customers:people")


@login_required
@require_POST
def person_restore(request, pk: int):
    person = selectors.trash(request.user, "person").filter(pk=pk).first()
    if person is None:
        raise Http404
    services.restore_person(actor=request.user, person=person)
    return done(request, _("Restored."), "customers:person", person.pk)


@login_required
def person_history(request, pk: int):
    person = selectors.get_person(request.user, pk)
    return render(
        request,
        "customers/history.html",
        {
            "object": person,
            "rows": history_rows(person, request.user),
            "back_url": "customers:person",
        },
    )


@login_required
def person_timeline(request, pk: int):
    """Older timeline entries, appended by htmx when the user scrolls/clicks "more"."""
    from django.utils.dateparse import parse_datetime

    person = selectors.get_person(request.user, pk)
    before = parse_datetime(request.GET.get("before", "")) if request.GET.get("before") else None
    items = timeline.collect(person, user=request.user, before=before, limit=30)
    return render(
        request, "customers/partials/_timeline.html", {"timeline": items, "person": person}
    )


def _detail_with_errors(request, person, **forms):
    context = selectors.person_360(request.user, person.pk)
    context.update(
        {
            "can_change": True,
            "timeline": timeline.collect(person, user=request.user, limit=30),
            "stages": RelationshipStage.choices,
            "household_form": HouseholdForm(),
            "contact_form": ContactForm(),
            "consent_form": ConsentForm(),
            "stage_reached": {c.stage: c.reached_on for c in context["stage_changes"]},
            "top_panels": panels.render_context("person.top", request, person),
        }
    )
    context.update(forms)
    return render(request, "customers/person_detail.html", context, status=422)


@login_required
@require_POST
def household_add(request, pk: int):
    person = selectors.get_person(request.user, pk, CHANGE)
    form = HouseholdForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.add_household_member(
            actor=request.user, person=person, data=form.cleaned_data
        ),
    ):
        return done(request, _("Family member added."), "customers:person", person.pk)
    return _detail_with_errors(request, person, household_form=form)


@login_required
@require_POST
def household_remove(request, pk: int, member_id: int):
    person = selectors.get_person(request.user, pk, CHANGE)
    member = person.household.filter(pk=member_id).first()
    if member is None:
        raise Http404
    services.remove_household_member(actor=request.user, member=member)
    return done(request, _("Family member removed."), "customers:person", person.pk)


@login_required
@require_POST
def contact_add(request, pk: int):
    person = selectors.get_person(request.user, pk, CHANGE)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            company = selectors.get_company(request.user, form.cleaned_data["company"])
        except Http404:
            form.add_error("company", _("Choose a company from the list."))
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k != "company"}
            if run_service(
                form,
                lambda: services.add_contact(
                    actor=request.user, person=person, company=company, data=data
                ),
            ):
                return done(request, _("Company linked."), "customers:person", person.pk)
    return _detail_with_errors(request, person, contact_form=form)


@login_required
@require_POST
def contact_remove(request, pk: int, contact_id: int):
    person = selectors.get_person(request.user, pk, CHANGE)
    contact = person.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    services.remove_contact(actor=request.user, contact=contact)
    return done(request, _("Company unlinked."), "customers:person", person.pk)


@login_required
@require_POST
def consent_record(request, pk: int):
    person = selectors.get_person(request.user, pk, CHANGE)
    form = ConsentForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.record_consent(actor=request.user, person=person, **form.cleaned_data),
    ):
        return done(request, _("Consent recorded."), "customers:person", person.pk)
    return _detail_with_errors(request, person, consent_form=form)


@login_required
@require_POST
def stage_change(request, pk: int):
    person = selectors.get_person(request.user, pk, CHANGE)
    try:
        services.update_person(
            actor=request.user,
            person=person,
            data={"relationship_stage": request.POST.get("stage")},
        )
    except DomainError as exc:
        details = " ".join(m for ms in exc.errors.values() for m in ms)
        messages.error(request, f"{exc.message} {details}".strip())
        return redirect("customers:person", person.pk)
    return done(request, _("Relationship stage updated."), "customers:person", person.pk)
