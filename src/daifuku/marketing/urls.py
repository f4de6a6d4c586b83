from django.urls import path

from .views import mail_templates, personas, segments

app_name = "marketing"

urlpatterns = [
    path("", segments.segment_list, name="segments"),
    path("segments/new/", segments.segment_create, name="segment-create"),
    path("segments/count/", segments.rules_count, name="rules-count"),
    path("segments/<int:pk>/", segments.segment_detail, name="segment"),
    path("segments/<int:pk>/edit/", segments.segment_edit, name="segment-edit"),
    path("segments/<int:pk>/count/", segments.segment_count, name="segment-count"),
    path("segments/<int:pk>/delete/", segments.segment_delete, name="segment-delete"),
    path("segments/<int:pk>/members/add/", segments.list_add, name="list-add"),
    path("segments/<int:pk>/members/remove/", segments.list_remove, name="list-remove"),
    path("segments/<int:pk>/members/import/", segments.list_import, name="list-import"),
    path("segments/<int:pk>/members/pick/", segments.list_pick, name="list-pick"),
    # mail templates and sender personas (docs/mail-templates.md)
    path("templates/", mail_templates.template_list, name="templates"),
    path("templates/new/", mail_templates.template_create, name="template-create"),
    path("templates/preview/", mail_templates.template_preview, name="template-preview"),
    path("templates/people/", mail_templates.preview_people, name="template-people"),
    path("templates/test-send/", mail_templates.template_test_send, name="template-test-send"),
    path("templates/<int:pk>/", mail_templates.template_edit, name="template-edit"),
    path("templates/<int:pk>/delete/", mail_templates.template_delete, name="template-delete"),
    path("personas/", personas.persona_list, name="personas"),
    path("personas/new/", personas.persona_create, name="persona-create"),
    path("personas/<int:pk>/", personas.persona_edit, name="persona-edit"),
    path("personas/<int:pk>/delete/", personas.persona_delete, name="persona-delete"),
]
