"""Sign-in, sign-out, password change and reset, the invitee's first password and the
user's own API tokens."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.core import panels
from daifuku.core.screens import done, run_service

from .forms import ChoosePasswordForm
from .invitations import accept_invitation, invitation_tokens
from .selectors import api_tokens_of, get_api_token_of, user_from_link
from .services import create_api_token, revoke_api_token


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_initial(self):
        # the invitation page sends the invitee here with their user name filled in
        return {**super().get_initial(), "username": self.request.GET.get("username", "")}


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
            user_login_failed.send(
                sender=type(self), credentials=self._credentials(), request=self.request
            )
        return super().form_invalid(form)

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
def profile(request):
    tokens = api_tokens_of(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": tokens,
            "new_token": request.session.pop("new_token", None),
            "profile_panels": panels.render_context(
                "profile", request
            ),  # e.g. the calendar feed (activities)
        },
    )


@login_required
@require_POST
def token_create(request):
    _token, secret = create_api_token(
        actor=request.user, user=request.user, name=request.POST.get("name", "")
    )
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


def invitation(request, uidb64: str, token: str):
    """The invitee's page: choose a password, then sign in. An expired, used or altered
    link says so and names who can send a new one."""
    user = user_from_link(uidb64)
    if user is None or not user.is_active or not invitation_tokens.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=400)
    form = ChoosePasswordForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: accept_invitation(user=user, **form.cleaned_data))
    ):
        return done(
            request,
            _("Your password was set. Please sign in."),
            f"{reverse('accounts:login')}?username={user.username}",
        )
    return render(request, "accounts/invitation.html", {"form": form, "invitee": user})


class PasswordResetView(auth_views.PasswordResetView):
    """Step 1 of a forgotten password: the address to mail a one-time link to (the page
    says the same whether or not an account has it)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/mail/password_reset.txt"
    subject_template_name = "accounts/mail/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
