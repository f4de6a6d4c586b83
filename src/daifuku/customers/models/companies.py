"""Companies (取引先) and the people who work there (担当者・キーマン)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daifuku.core.japanese import LEGAL_FORMS, CompanyName
from daifuku.core.models import SoftDeleteModel, TimeStampedModel, VersionedModel

from .base import Owned, PostalAddress

ALIVE = Q(deleted_at__isnull=True)


class Industry(models.TextChoices):
    """日本標準産業分類 (JSIC) major divisions."""

    A = "A", _("Agriculture and forestry")
    B = "B", _("Fisheries")
    C = "C", _("Mining and quarrying")
    D = "D", _("Construction")
    E = "E", _("Manufacturing")
    F = "F", _("Electricity, gas, heat and water")
    G = "G", _("Information and communications")
    H = "H", _("Transport and postal activities")
    I = "I", _("Wholesale and retail trade")  # noqa: E741
    J = "J", _("Finance and insurance")
    K = "K", _("Real estate and goods rental")
    L = "L", _("Scientific research, professional and technical services")
    M = "M", _("Accommodations, eating and drinking services")
    N = "N", _("Living-related and personal services, amusement")
    O = "O", _("Education, learning support")  # noqa: E741
    P = "P", _("Medical, health care and welfare")
    Q = "Q", _("Compound services")
    R = "R", _("Services, not elsewhere classified")
    S = "S", _("Government")
    T = "T", _("Industries unable to classify")


class CompanySize(models.TextChoices):
    S1 = "1-9", _("1–9 employees")
    S2 = "10-49", _("10–49 employees")
    S3 = "50-299", _("50–299 employees")
    S4 = "300-999", _("300–999 employees")
    S5 = "1000+", _("1,000+ employees")


class LegalFormPosition(models.TextChoices):
    BEFORE = "before", _("Before the name (前株)")
    AFTER = "after", _("After the name (後株)")


class Company(TimeStampedModel, SoftDeleteModel, VersionedModel, PostalAddress, Owned):
    """A business customer (account). ``name`` is the name without its legal form, which is
    kept apart (``legal_form`` + ``legal_form_position``) so 株式会社山田製作所, (株)山田製作所
    and 山田製作所㈱ are one company and print correctly as 前株/後株."""

    name = models.CharField(_("company name"), max_length=200)
    legal_form = models.CharField(
        _("legal form"), max_length=32, blank=True, choices=[(k, v) for k, v in LEGAL_FORMS.items()]
    )
    legal_form_position = models.CharField(
        _("legal form position"), max_length=6, blank=True, choices=LegalFormPosition.choices
    )
    kana = models.CharField(_("company name (kana)"), max_length=200, blank=True)
    # 五十音順 collation key of the reading (search_index.company_sort_kana).
    sort_kana = models.CharField(max_length=200, blank=True, editable=False)
    corporate_number = models.CharField(_("corporate number"), max_length=13, blank=True)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=CompanySize.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    tags = models.ManyToManyField(
        "customers.Tag", verbose_name=_("tags"), blank=True, related_name="companies"
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                name="company_corporate_number_unique",
                condition=ALIVE & ~Q(corporate_number=""),
            )
        ]
        indexes = [
            models.Index(fields=["sort_kana", "id"], name="company_kana_idx", condition=ALIVE),
            models.Index(
                fields=["owner", "sort_kana", "id"], name="company_owner_kana_idx", condition=ALIVE
            ),
            models.Index(fields=["created_at", "id"], name="company_created_idx", condition=ALIVE),
            models.Index(fields=["updated_at", "id"], name="company_updated_idx", condition=ALIVE),
            models.Index(fields=["deleted_at"], name="company_deleted_idx", condition=~ALIVE),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return CompanyName(
            self.name, self.legal_form or None, self.legal_form_position or None
        ).display


class Contact(models.Model):
    """A person's role at a company. Seed 004: even in B2B you deal with individuals, so
    the key person (キーマン) is marked."""

    person = models.ForeignKey(
        "customers.Person", on_delete=models.CASCADE, related_name="contacts"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    department = models.CharField(_("department"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    is_key_person = models.BooleanField(_("key person"), default=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_key_person", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "company"], name="contact_person_company_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.company}"
