"""User and team administration for administrators: the list of colleagues, invitations by
e-mail, role and team changes, deactivation, teams. Other users get 403 (as the sales
setup screens do): the pages are part of the product's menu, not secrets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.core.errors import DomainError
from daifuku.core.screens import done, run_service

from . import selectors, services
from .forms import InviteForm, TeamForm, UserChangeForm
from .invitations import invitation_tokens, is_pending, send_invitation


def _admin(request) -> None:
    if not request.user.is_admin:
        raise PermissionDenied()


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@login_required
def users(request):
    _admin(request)
    rows = [{"user": u, "pending": is_pending(u)} for u in selectors.all_users()]
    return render(request, "accounts/users.html", {"rows": rows})


@login_required
def invite(request):
    _admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(
            form, lambda: services.invite_user(actor=request.user, **form.cleaned_data)
        )
        if user is not None:
            send_invitation(actor=request.user, user=user, base_url=_base_url(request))
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": user.email}
            )
            return redirect("accounts:users")
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "days": invitation_tokens.lifetime_seconds // 86400},
    )


@login_required
def user_detail(request, pk: int):
    _admin(request)
    member = selectors.get_user(pk)
    form = UserChangeForm(
        request.POST or None, initial={"role": member.role, "team": member.team_id}
    )
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.change_user(actor=request.user, user=member, **form.cleaned_data)
        ):
            return done(request, _("The changes were saved."), "accounts:user", member.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {"member": member, "form": form, "pending": is_pending(member)},
    )


@login_required
@require_POST
def user_set_active(request, pk: int):
    _admin(request)
    member = selectors.get_user(pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(actor=request.user, user=member, active=active)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(name)s was reactivated.") % {"name": member}
            if active
            else _("%(name)s was deactivated and can no longer sign in.") % {"name": member},
        )
    return redirect("accounts:user", pk=member.pk)


@login_required
@require_POST
def user_resend_invitation(request, pk: int):
    _admin(request)
    member = selectors.get_user(pk)
    if is_pending(member) and member.is_active:
        send_invitation(actor=request.user, user=member, base_url=_base_url(request))
        messages.success(
            request, _("A new invitation was sent to %(email)s.") % {"email": member.email}
        )
    return redirect("accounts:user", pk=member.pk)


@login_required
def teams(request):
    _admin(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.create_team_as_admin(
                actor=request.user, name=form.cleaned_data["name"]
            ),
        ):
            return done(request, _("The team was added."), "accounts:teams")
    return render(
        request,
        "accounts/teams.html",
        {"teams": selectors.teams_with_member_counts(), "form": form},
    )


@login_required
def team_rename(request, pk: int):
    _admin(request)
    team = selectors.get_team(pk)
    form = TeamForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.rename_team(
                actor=request.user, team=team, name=form.cleaned_data["name"]
            ),
        ):
            return done(request, _("The team was renamed."), "accounts:teams")
    return render(request, "accounts/team_rename.html", {"team": team, "form": form})
