"""The organisation profile (issuer settings): the only write path for who we are as a
business — the issuer block of quotes and the sender identity of marketing e-mails."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import PermissionDenied, ValidationFailed
from daifuku.core.japanese import (
    normalize_phone,
    normalize_postal_code,
    normalize_prefecture,
    normalize_text,
    validate_corporate_number,
    validate_email_address,
)

from .models import OrganizationProfile
from .permissions import check_version

TEXT_FIELDS = (
    "name",
    "postal_code",
    "prefecture",
    "city",
    "address_line",
    "building",
    "phone",
    "email",
    "registration_number",
    "inquiry_contact",
    "inquiry_email",
    "inquiry_phone",
)
MAX_LENGTHS = {
    f.name: f.max_length for f in OrganizationProfile._meta.fields if f.name in TEXT_FIELDS
}
SEAL_MAX_BYTES = 1024 * 1024
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー－]")


def validate_registration_number(value: str | None) -> str:
    """The 適格請求書発行事業者登録番号 as 'T' + 13 digits, or ValueError saying what is wrong.

    A company's number is 'T' + its 法人番号; a sole proprietor (個人事業主) gets 'T' + 13
    digits the National Tax Agency allocates (never the My Number) with the same check
    digit — the first of the 13, 9 − (Σ Pn × Qn mod 9) — so both are checked alike."""
    text = _SEPARATORS.sub("", normalize_text(value)).upper()
    if not re.fullmatch(r"T[0-9]{13}", text):
        raise ValueError(
            _(
                "Enter the registration number as T followed by 13 digits (for example T1234567890123)."
            )
        )
    try:
        validate_corporate_number(text[1:])
    except ValueError:
        raise ValueError(
            _(
                "The check digit of this registration number (the first digit after T) does not match. "
                "Check for typing mistakes."
            )
        ) from None
    return text


def _phone(value: str, field: str, errors: dict) -> str:
    if not value:
        return ""
    phone = normalize_phone(value)
    if phone is None:
        errors[field] = [_("Enter a telephone number such as 03-1234-5678.")]
        return value
    return phone.formatted + (f" 内線{phone.extension}" if phone.extension else "")


def _email(value: str, field: str, errors: dict) -> str:
    if not value:
        return ""
    try:
        return validate_email_address(value)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return value


def _clean(data: dict[str, Any], current: OrganizationProfile) -> dict[str, str]:
    values = {name: getattr(current, name) for name in TEXT_FIELDS}
    for name in TEXT_FIELDS:
        if name in data:
            values[name] = normalize_text(str(data[name] if data[name] is not None else "")).strip()
    errors: dict[str, list[str]] = {}
    if "name" in data and not values["name"]:
        errors["name"] = [_("Enter the company name printed on quotes.")]
    if values["postal_code"]:
        code = normalize_postal_code(values["postal_code"])
        if code is None:
            errors["postal_code"] = [_("Enter a postal code of 7 digits, such as 100-0001.")]
        else:
            values["postal_code"] = code
    if values["prefecture"]:
        prefecture = normalize_prefecture(values["prefecture"])
        if prefecture is None:
            errors["prefecture"] = [_("Enter a prefecture, such as 東京都.")]
        else:
            values["prefecture"] = prefecture
    values["phone"] = _phone(values["phone"], "phone", errors)
    values["inquiry_phone"] = _phone(values["inquiry_phone"], "inquiry_phone", errors)
    values["email"] = _email(values["email"], "email", errors)
    values["inquiry_email"] = _email(values["inquiry_email"], "inquiry_email", errors)
    if values["registration_number"]:
        try:
            values["registration_number"] = validate_registration_number(
                values["registration_number"]
            )
        except ValueError as exc:
            errors["registration_number"] = [str(exc)]
    for name, limit in MAX_LENGTHS.items():
        if limit and len(values[name]) > limit and name not in errors:
            errors[name] = [_("Use at most %(limit)d characters.") % {"limit": limit}]
    if errors:
        raise ValidationFailed(errors)
    return values


def _seal_content(upload) -> ContentFile:
    """A PNG or JPEG of at most 1 MB that Pillow can open (it is drawn into the PDF)."""
    from PIL import Image, UnidentifiedImageError

    data = upload.read()
    if len(data) > SEAL_MAX_BYTES:
        raise ValidationFailed({"seal": [_("The seal image may be at most 1 MB.")]})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind not in ("PNG", "JPEG"):
        raise ValidationFailed({"seal": [_("Upload the seal as a PNG or JPEG image.")]})
    return ContentFile(data, name=f"seal.{'png' if kind == 'PNG' else 'jpg'}")


def _snapshot(profile: OrganizationProfile) -> dict[str, Any]:
    return {**audit.snapshot(profile, TEXT_FIELDS), "seal": profile.seal.name or ""}


def _ensure_admin(actor) -> None:
    if getattr(actor, "pk", None) is not None and not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only administrators can change the organisation profile."))


@transaction.atomic
def update_organization_profile(
    *,
    actor,
    data: dict[str, Any],
    seal=None,
    remove_seal: bool = False,
    expected_version: int | None = None,
) -> OrganizationProfile:
    """Change the issuer settings (administrators only). Fields left out of ``data`` keep
    their value; ``seal`` is an uploaded PNG/JPEG, ``remove_seal`` drops the current one.
    ``expected_version`` refuses to overwrite a change saved since the form was read."""
    _ensure_admin(actor)
    OrganizationProfile.objects.get_or_create(pk=OrganizationProfile.SINGLETON_PK)
    profile = OrganizationProfile.objects.select_for_update().get(
        pk=OrganizationProfile.SINGLETON_PK
    )
    check_version(profile, expected_version)
    before = _snapshot(profile)
    values = _clean(data, profile)
    new_seal = _seal_content(seal) if seal is not None else None
    for name, value in values.items():
        setattr(profile, name, value)
    if remove_seal and not new_seal and profile.seal:
        profile.seal.delete(save=False)
    if new_seal is not None:
        profile.seal.save(new_seal.name, new_seal, save=False)  # type: ignore[arg-type]  # an upload has a name
    changes = audit.diff(before, _snapshot(profile))
    if changes:
        profile.version += 1
        profile.updated_at = timezone.now()
        profile.save()
        audit.record(actor=actor, action="update", obj=profile, changes=changes)
    return profile
