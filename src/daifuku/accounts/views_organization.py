"""Settings → Organisation profile: the issuer block of quotes (administrators edit it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from daifuku.core.screens import done, run_service

from .forms_organization import OrganizationForm
from .selectors_organization import organization_profile
from .services_organization import TEXT_FIELDS, update_organization_profile


@login_required
def organization_settings(request):
    if not request.user.is_admin:
        raise Http404  # like the other admin-only settings: not offered to others
    profile = organization_profile()
    if request.method == "POST":
        form = OrganizationForm(request.POST, request.FILES)
        if form.is_valid() and run_service(
            form,
            lambda: update_organization_profile(
                actor=request.user,
                data=form.service_data(),
                seal=form.cleaned_data.get("seal"),
                remove_seal=form.cleaned_data.get("remove_seal", False),
                expected_version=form.cleaned_data.get("version"),
            ),
        ):
            return done(request, _("The organisation profile was saved."), "accounts:organization")
    else:
        form = OrganizationForm(
            initial={
                "version": profile.version,
                **{name: getattr(profile, name) for name in TEXT_FIELDS},
            }
        )
    return render(request, "accounts/organization.html", {"form": form, "profile": profile})


@login_required
def organization_seal(request):
    """The stored seal image, for the preview on the settings page (media files are never
    served directly)."""
    profile = organization_profile()
    if not request.user.is_admin or not profile.seal:
        raise Http404
    kind = "image/png" if profile.seal.name.endswith(".png") else "image/jpeg"
    return FileResponse(profile.seal.open("rb"), content_type=kind)
