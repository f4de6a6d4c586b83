"""Error pages that keep the user oriented (and JSON for the API)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": _("Not found."), "errors": {}}, status=404
        )
    return render(
        request,
        "web/error.html",
        {"title": _("Not found"), "message": _("This page does not exist, or you cannot see it.")},
        status=404,
    )


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "permission_denied",
                "message": _("You do not have permission to do this."),
                "errors": {},
            },
            status=403,
        )
    return render(
        request,
        "web/error.html",
        {
            "title": _("Not allowed"),
            "message": _(
                "Your role does not allow this page. Ask an administrator if you need it."
            ),
        },
        status=403,
    )


def bad_request(request, exception=None):
    """A request no page can answer: a number too large in a filter, an edited page link
    (``core.middleware.RequestGuardMiddleware`` says which in the exception)."""
    message = (
        str(exception)
        if exception is not None and str(exception)
        else _("This request could not be read.")
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "bad_request", "message": message, "errors": {}}, status=400)
    return render(
        request,
        "web/error.html",
        {"title": _("The request could not be read"), "message": message},
        status=400,
    )


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "server_error",
                "message": _("Something went wrong on our side."),
                "errors": {},
            },
            status=500,
        )
    return render(
        request,
        "web/error.html",
        {
            "title": _("Error"),
            "message": _(
                "Something went wrong on our side. Nothing you entered was lost; please try again."
            ),
        },
        status=500,
    )
