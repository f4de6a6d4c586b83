"""Sign-in, sign-out, password change and the user's own API tokens."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .selectors import api_tokens_of, get_api_token_of
from .services import create_api_token, revoke_api_token


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """The old password is a password guess like a login: a wrong one counts as a failed
    log-in for this user from this address (django-axes), and past the failure limit the
    page is locked like the login — otherwise a stolen session could try passwords here
    without limit."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def _credentials(self) -> dict:
        return {"username": self.request.user.get_username()}

    def post(self, request, *args, **kwargs):
        if settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, self._credentials()):
            return get_lockout_response(request, None, self._credentials())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            # counted by axes like a failed log-in; at the limit it marks the request
            # locked and AxesMiddleware answers with the lockout page
            user_login_failed.send(sender=type(self), credentials=self._credentials(), request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
def profile(request):
    tokens = api_tokens_of(request.user)
    return render(request, "accounts/profile.html", {
        "tokens": tokens,
        "new_token": request.session.pop("new_token", None),
    })


@login_required
@require_POST
def token_create(request):
    _token, secret = create_api_token(actor=request.user, user=request.user, name=request.POST.get("name", ""))
    # Shown exactly once, on the next page; only the hash is stored.
    request.session["new_token"] = secret
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_api_token_of(request.user, pk)
    revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")
