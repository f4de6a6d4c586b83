"""Users, teams and API tokens: who works in the CRM and what they may touch."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A sales/service team. Reps edit the customers their team owns; a manager leads it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a user is for. Permissions follow from the role (accounts.permissions)."""

    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    REP = "rep", _("Sales rep")
    MARKETER = "marketer", _("Marketer")
    SUPPORT = "support", _("Support")


class User(AbstractUser):
    """Someone who signs in. Custom from day one so we can grow it without a migration
    headache; ``display_name`` is how colleagues and customers see them (e.g. 山田 花子)."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.REP)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    calendar_secret = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # A superuser is an administrator whatever created it: Django's createsuperuser
        # (UserManager) knows no roles and would leave the default "rep".
        if self.is_superuser and self.role != Role.ADMIN:
            self.role = Role.ADMIN
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "role"}
        if not self.calendar_secret and self._state.adding:
            self.calendar_secret = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER


TOKEN_PREFIX = "dfk_"


def hash_token(secret: str) -> str:
    """Tokens are 256-bit random values, so a fast hash is enough (no brute force) and
    keeps API authentication cheap; only the hash is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A revocable credential for an integration, shown once at creation, stored hashed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OrganizationProfile(models.Model):
    """Who we are as a business (one row, pk 1): the issuer printed on every quote and
    invoice — name, address, phone, 適格請求書発行事業者登録番号 (T + 13 digits), the seal
    (角印) — and the inquiry contact marketing e-mails must carry as their sender identity
    (特定電子メール法). Changed by administrators on the settings page or the API."""

    SINGLETON_PK = 1

    name = models.CharField(_("company name"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    building = models.CharField(_("building"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    registration_number = models.CharField(
        _("qualified invoice issuer registration number"), max_length=14, blank=True
    )
    seal = models.FileField(_("seal image"), upload_to="accounts/seal/", blank=True)
    inquiry_contact = models.CharField(_("inquiry contact"), max_length=200, blank=True)
    inquiry_email = models.EmailField(_("inquiry email address"), max_length=254, blank=True)
    inquiry_phone = models.CharField(_("inquiry phone"), max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")

    def __str__(self) -> str:
        return self.name or str(_("organisation profile"))

    @property
    def address(self) -> str:
        """The address as printed on one line (without the postal code)."""
        main = f"{self.prefecture}{self.city}{self.address_line}"
        return f"{main} {self.building}".strip()

    @property
    def postal_code_display(self) -> str:
        code = self.postal_code
        return f"〒{code[:3]}-{code[3:]}" if len(code) == 7 else code
