"""Reading the organisation profile (issuer settings): visible to every signed-in user,
since every quote and mailing carries it."""

from __future__ import annotations

from .models import OrganizationProfile


def organization_profile() -> OrganizationProfile:
    """The one profile row; an empty, unsaved profile until an administrator fills it in
    (so a quote issued before that simply has no issuer block to print)."""
    found = OrganizationProfile.objects.filter(pk=OrganizationProfile.SINGLETON_PK).first()
    return found if found is not None else OrganizationProfile(pk=OrganizationProfile.SINGLETON_PK)
