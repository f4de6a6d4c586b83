"""Sign-in, sign-out, password change and the user's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.core import panels

from .selectors import api_tokens_of, get_api_token_of
from .services import create_api_token, revoke_api_token


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
def profile(request):
    tokens = api_tokens_of(request.user)
    return render(request, "accounts/profile.html", {
        "tokens": tokens,
        "new_token": request.session.pop("new_token", None),
        "profile_panels": panels.render_context("profile", request),  # e.g. the calendar feed (activities)
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
