"""The snippet, the two addresses it posts to (public: a site's visitors call them, CORS
limited to the configured sites) and the administrators' settings page."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from daifuku.core.errors import DomainError, ValidationFailed

from . import selectors, services
from .forms import BehaviourSettingsForm
from .services.settings import current


@require_GET
def collect_js(request):
    body = render_to_string("behaviour/collect.js", {"require_consent": current().require_consent})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _cors(request, response):
    origin = request.headers.get("Origin", "")
    if origin and origin.rstrip("/").lower() in current().origins():
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        response["Vary"] = "Origin"
    return response


def _refused(request, code: str, message: str, status: int):
    return _cors(
        request, JsonResponse({"code": code, "message": message, "errors": {}}, status=status)
    )


def _public_post(handler):
    """OPTIONS answers the preflight; a POST from a site not on the list is refused
    before anything is read or written."""

    @csrf_exempt  # no cookie is involved: the snippet posts with credentials omitted
    def view(request):
        if request.method == "OPTIONS":
            return _cors(request, HttpResponse(status=204))
        if request.method != "POST":
            return _refused(request, "method_not_allowed", _("Use POST."), 405)
        origin = request.headers.get("Origin", "").rstrip("/").lower()
        if origin not in current().origins():
            return _refused(
                request,
                "origin_not_allowed",
                _("This site may not send events (Settings → Web behaviour)."),
                403,
            )
        try:
            return _cors(request, handler(request))
        except DomainError as exc:
            return _cors(request, JsonResponse(exc.as_dict(), status=exc.status))

    return view


@_public_post
def collect(request):
    accepted = services.accept_batch(request.body)
    services.maybe_flush()
    return JsonResponse({"accepted": accepted}, status=202)


@_public_post
def identify(request):
    try:
        data = json.loads(request.body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError
    except (UnicodeDecodeError, ValueError):
        return JsonResponse(
            {"code": "invalid_body", "message": _("The body is not JSON."), "errors": {}},
            status=400,
        )
    services.identify(data.get("visitor"), str(data.get("token") or ""), str(data.get("via")))
    return JsonResponse({"identified": True})


@login_required
def behaviour_settings(request):
    row = selectors.settings_for(request.user)
    if row is None:
        raise Http404  # like the other admin-only settings: not offered to others
    form = BehaviourSettingsForm(
        request.POST or None,
        initial={
            "require_consent": row.require_consent,
            "allowed_origins": row.allowed_origins,
            "retention_days": row.retention_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.apply_errors(exc)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The web behaviour settings were saved."))
            return redirect("behaviour:settings")
    snippet = f'<script src="{request.build_absolute_uri("/behaviour/collect.js")}" defer></script>'
    return render(
        request,
        "behaviour/settings.html",
        {"form": form, "row": row, "snippet": snippet},
    )


@login_required
@require_POST
def rotate_secret(request):
    if selectors.settings_for(request.user) is None:
        raise Http404
    services.rotate_identify_secret(actor=request.user)
    messages.success(request, _("A new identify secret was made; the old one no longer works."))
    return redirect("behaviour:settings")
