"""Shared fields of people and companies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from daifuku.core.japanese import PREFECTURE_NAMES, format_postal_code


class PostalAddress(models.Model):
    """A Japanese postal address: 〒 code, prefecture, city, street line, building."""

    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    prefecture = models.CharField(
        _("prefecture"), max_length=8, blank=True, choices=[(n, n) for n in PREFECTURE_NAMES]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    building = models.CharField(_("building"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def postal_code_display(self) -> str:
        return f"〒{format_postal_code(self.postal_code)}" if self.postal_code else ""

    @property
    def address_display(self) -> str:
        return "".join(p for p in (self.prefecture, self.city, self.address_line) if p) + (
            f" {self.building}" if self.building else ""
        )


class Owned(models.Model):
    """Which rep owns the record and which team it belongs to (drives edit rights)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
