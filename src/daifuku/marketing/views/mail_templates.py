"""Mail templates (マーケティング → メールテンプレート): the list, the editor with a live
preview as a chosen customer at desktop and phone widths, a test send, delete after a
confirmation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.screens import done, int_or_none, run_service

from ..forms import MailTemplateForm, TestSendForm
from ..selectors import mail_templates as selectors
from ..services import mail_templates as services
from ..templating import MERGE_FIELDS, TemplateInvalid, compile_mail, context_for

STARTER_HTML = """<style>
  .box { font-family: sans-serif; max-width: 600px; margin: 0 auto; }
  .gold { background: #fdf6e3; padding: 12px; }
</style>
<div class="box">
  <p>{{ display_name }}</p>
  <p>いつもご利用ありがとうございます。</p>
  {% rank "ゴールド" %}<p class="gold">ゴールド会員さまへの特別なご案内です。</p>{% endrank %}
  {% buyer "first" %}<p>初めてのご購入ありがとうございました。</p>{% endbuyer %}
  <p>{{ signature }}</p>
</div>
"""
STARTER_TEXT = """{{ display_name }}

いつもご利用ありがとうございます。
{% rank "ゴールド" %}ゴールド会員さまへの特別なご案内です。
{% endrank %}
{{ signature }}
"""


@login_required
def template_list(request):
    return render(
        request,
        "marketing/mail/template_list.html",
        {"templates": selectors.list_templates(request.user), "section": "templates"},
    )


def _editor(request, form, template=None):
    person = selectors.preview_person(request.user, request.GET.get("person"))
    return render(
        request,
        "marketing/mail/template_form.html",
        {
            "form": form,
            "template": template,
            "section": "templates",
            "merge_fields": [(name, str(label)) for name, label in MERGE_FIELDS.items()],
            "preview": _preview(request, form.data if form.is_bound else form.initial, person),
            "person": person,
            "test_form": TestSendForm(),
        },
    )


@login_required
def template_create(request):
    form = MailTemplateForm(
        request.POST or None,
        initial={"subject": "{{ family_name }} 様へ", "html": STARTER_HTML, "text": STARTER_TEXT},
    )
    if request.method == "POST" and form.is_valid():
        template = run_service(
            form, lambda: services.create_template(actor=request.user, data=form.cleaned_data)
        )
        if template is not None:
            return done(
                request, _("The template was saved."), "marketing:template-edit", template.pk
            )
    return _editor(request, form)


@login_required
def template_edit(request, pk):
    template = selectors.get_template(request.user, pk)
    form = MailTemplateForm(
        request.POST or None,
        initial={f: getattr(template, f) for f in services.FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.update_template(
                actor=request.user,
                template=template,
                data=form.cleaned_data,
                expected_version=int_or_none(request.POST.get("version")),
            ),
        )
        if saved is not None:
            return done(request, _("The template was saved."), "marketing:template-edit", pk)
    return _editor(request, form, template)


def _preview(request, data, person) -> dict:
    return preview_of(data, person)


def preview_of(data, person, persona=None) -> dict:
    """What the preview panel shows: the rendered subject, HTML (for the iframe's srcdoc)
    and text as ``person`` receives them (signed by ``persona``, or the one their age band
    chooses), or the problems with their lines."""
    try:
        compiled = compile_mail(
            str(data.get("subject") or ""), str(data.get("html") or ""), str(data.get("text") or "")
        )
    except TemplateInvalid as exc:
        return {"problems": [(part, m) for part, msgs in exc.errors.items() for m in msgs]}
    try:
        mail = compiled.render(context_for(person, persona))
    except TemplateInvalid as exc:  # {{ rank + 1 }}: valid, but not for these values
        return {"problems": [(part, m) for part, msgs in exc.errors.items() for m in msgs]}
    return {"subject": mail.subject, "html": mail.html, "text": mail.text}


@login_required
@require_POST
def template_preview(request):
    """The live preview (htmx): the editor's current fields as the chosen customer."""
    person = selectors.preview_person(request.user, request.POST.get("person"))
    return render(
        request,
        "marketing/mail/partials/_preview.html",
        {"preview": _preview(request, request.POST, person), "person": person},
    )


@login_required
def preview_people(request):
    """The preview's customer picker (htmx): people matching ``q`` the user may read."""
    return render(
        request,
        "marketing/mail/partials/_people.html",
        {
            "people": selectors.people_to_preview(request.user, request.GET.get("q", "")),
            "q": request.GET.get("q", "").strip(),
        },
    )


@login_required
@require_POST
def template_test_send(request):
    """Send the editor's current mail, as the chosen customer, to the address typed."""
    form = TestSendForm(request.POST)
    person = selectors.preview_person(request.user, request.POST.get("person"))
    sent = False
    if form.is_valid():
        try:
            services.send_test_mail(
                actor=request.user,
                subject=request.POST.get("subject", ""),
                html=request.POST.get("html", ""),
                text=request.POST.get("text", ""),
                to=form.cleaned_data["to"],
                person=person,
            )
            sent = True
        except ValidationFailed as exc:
            if "to" in exc.errors:
                form.apply_errors(exc)
            else:
                form.add_error(None, _("Correct the template first: see the preview."))
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        except OSError as exc:  # the mail server refused or is unreachable
            form.add_error(
                None, _("The mail server did not accept the mail: %(error)s") % {"error": exc}
            )
    return render(
        request,
        "marketing/mail/partials/_test_send.html",
        {"test_form": form, "sent": sent, "to": form.cleaned_data.get("to") if sent else ""},
    )


@login_required
def template_delete(request, pk):
    """GET: the confirmation; POST: delete."""
    template = selectors.get_template(request.user, pk)
    if request.method == "POST":
        try:
            services.delete_template(actor=request.user, template=template)
        except DomainError as exc:
            from django.contrib import messages

            messages.error(request, str(exc.message))
        else:
            return done(request, _("The template was deleted."), "marketing:templates")
    return render(
        request,
        "marketing/mail/confirm_delete.html",
        {
            "section": "templates",
            "what": template.name,
            "back": "marketing:templates",
            "question": _("Delete the mail template 「%(name)s」?") % {"name": template.name},
            "note": _("Campaigns made from it keep their own copy of the text."),
        },
    )
