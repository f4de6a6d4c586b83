"""Email addresses and phone numbers — several per customer, one primary of each."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

OWNER_IS_ONE = Q(person__isnull=False, company__isnull=True) | Q(
    person__isnull=True, company__isnull=False
)


class EmailAddress(models.Model):
    """An email address of a person or a company, stored lower-cased for matching."""

    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    company = models.ForeignKey(
        "customers.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    address = models.CharField(_("email"), max_length=254)
    domain = models.CharField(max_length=254, editable=False)
    label = models.CharField(_("label"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")
        constraints = [models.CheckConstraint(condition=OWNER_IS_ONE, name="email_one_owner")]
        indexes = [
            models.Index(fields=["address"], name="email_address_idx"),
            models.Index(fields=["domain", "address"], name="email_domain_idx"),
        ]

    def __str__(self) -> str:
        return self.address


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    HOME = "home", _("Home")
    WORK = "work", _("Work")
    FAX = "fax", _("Fax")
    OTHER = "other", _("Other")


class PhoneNumber(models.Model):
    """A phone number kept three ways: as shown (national format), E.164 for matching and
    dialling, and the national digits forwards and reversed so a search by the first or the
    last digits (電話番号の下4桁) is an index range."""

    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    company = models.ForeignKey(
        "customers.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("phone"), max_length=32)
    e164 = models.CharField(max_length=20, editable=False)
    digits = models.CharField(max_length=20, editable=False)
    digits_reversed = models.CharField(max_length=20, editable=False)
    kind = models.CharField(
        _("kind"), max_length=8, choices=PhoneKind.choices, default=PhoneKind.MOBILE
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [models.CheckConstraint(condition=OWNER_IS_ONE, name="phone_one_owner")]
        indexes = [
            models.Index(fields=["e164"], name="phone_e164_idx"),
            models.Index(fields=["digits"], name="phone_digits_idx"),
            models.Index(fields=["digits_reversed"], name="phone_reversed_idx"),
        ]

    def __str__(self) -> str:
        return self.number
