from django.db import models
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    """A free label put on customers (例: VIP, 紹介者, 年賀状) for filtering and segments."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    color = models.CharField(_("color"), max_length=7, default="#6b7280")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name
