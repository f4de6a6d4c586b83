from django.urls import path

from .views import companies, misc, people

app_name = "customers"

urlpatterns = [
    path("", people.person_list, name="people"),
    path("people/new/", people.person_create, name="person-create"),
    path("people/validate/", people.person_validate, name="person-validate"),
    path("people/filter-options/", people.person_filter_options, name="people-filter-options"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/edit/", people.person_edit, name="person-edit"),
    path("people/<int:pk>/delete/", people.person_delete, name="person-delete"),
    path("people/<int:pk>/restore/", people.person_restore, name="person-restore"),
    path("people/<int:pk>/history/", people.person_history, name="person-history"),
    path("people/<int:pk>/timeline/", people.person_timeline, name="person-timeline"),
    path("people/<int:pk>/household/", people.household_add, name="household-add"),
    path(
        "people/<int:pk>/household/<int:member_id>/delete/",
        people.household_remove,
        name="household-remove",
    ),
    path("people/<int:pk>/contacts/", people.contact_add, name="contact-add"),
    path(
        "people/<int:pk>/contacts/<int:contact_id>/delete/",
        people.contact_remove,
        name="contact-remove",
    ),
    path("people/<int:pk>/consent/", people.consent_record, name="consent-record"),
    path("people/<int:pk>/stage/", people.stage_change, name="stage-change"),
    path("companies/", companies.company_list, name="companies"),
    path("companies/new/", companies.company_create, name="company-create"),
    path("companies/<int:pk>/", companies.company_detail, name="company"),
    path("companies/<int:pk>/edit/", companies.company_edit, name="company-edit"),
    path("companies/<int:pk>/delete/", companies.company_delete, name="company-delete"),
    path("companies/<int:pk>/restore/", companies.company_restore, name="company-restore"),
    path("companies/<int:pk>/history/", companies.company_history, name="company-history"),
    path("search/", misc.search, name="search"),
    path("postal-code/", misc.postal_lookup, name="postal-lookup"),
    path("tags/", misc.tag_list, name="tags"),
    path("tags/<int:pk>/delete/", misc.tag_delete, name="tag-delete"),
    path("custom-fields/", misc.custom_field_list, name="custom-fields"),
    path("custom-fields/key/", misc.custom_field_key, name="custom-field-key"),
    path("custom-fields/<int:pk>/toggle/", misc.custom_field_toggle, name="custom-field-toggle"),
    path("trash/", misc.trash, name="trash"),
]

from .views import dedup  # noqa: E402  (名寄せ screens; see customers/dedup)

urlpatterns += [
    path("duplicates/", dedup.dedup_queue, name="dedup"),
    path("duplicates/scan/", dedup.dedup_scan, name="dedup-scan"),
    path("duplicates/check/", dedup.dedup_check, name="dedup-check"),
    path("duplicates/<int:pk>/", dedup.dedup_group, name="dedup-group"),
    path("duplicates/<int:pk>/merge/", dedup.dedup_merge, name="dedup-merge"),
    path("duplicates/<int:pk>/dismiss/", dedup.dedup_dismiss, name="dedup-dismiss"),
    path("merges/<int:journal_id>/", dedup.dedup_merged, name="dedup-merged"),
    path("merges/<int:journal_id>/undo/", dedup.dedup_undo, name="dedup-undo"),
]
