"""Running totals of the analytics area's business figures (月別売上, 販売経路別売上,
コホート, 2回目購入率, 獲得経路別LTV, 5:25), so the page reads a few hundred rows instead of
every order (docs/dashboards.md).

``FigurePart`` is what one customer adds to each figure (``analytics.maths.figure_parts``
says what each kind means); ``FigureTotal`` is the sum of the parts with the same key.
Both are written by :mod:`daifuku.analytics.services.figure_totals` only: in the
transaction of every order and return (that customer's parts again, the difference added
to the totals), and by the full rebuild (nightly and ``daifuku analytics_rebuild``),
which gives the same totals."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FigurePart(models.Model):
    """One customer's share of one figure cell. ``customer``: the person's id, or the
    company's id negated (the dashboards' customer key)."""

    customer = models.BigIntegerField(_("customer key"))
    kind = models.CharField(_("kind"), max_length=16)
    a = models.BigIntegerField(default=0)
    b = models.BigIntegerField(default=0)
    n1 = models.BigIntegerField(default=0)
    n2 = models.BigIntegerField(default=0)
    v1 = models.BigIntegerField(default=0)
    v2 = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("figure part")
        verbose_name_plural = _("figure parts")
        indexes = [
            models.Index(fields=["customer"], name="figurepart_customer_idx"),
            models.Index(fields=["kind", "a"], name="figurepart_kind_a_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.kind} {self.a}/{self.b}"


class FigureTotal(models.Model):
    """The sum of every customer's parts of one figure cell (``kind``, ``a``, ``b``).
    The row of kind ``built`` says the totals have been built once (before that the
    figures are computed from the orders)."""

    kind = models.CharField(_("kind"), max_length=16)
    a = models.BigIntegerField(default=0)
    b = models.BigIntegerField(default=0)
    n1 = models.BigIntegerField(default=0)
    n2 = models.BigIntegerField(default=0)
    v1 = models.BigIntegerField(default=0)
    v2 = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("figure total")
        verbose_name_plural = _("figure totals")
        constraints = [
            models.UniqueConstraint(fields=["kind", "a", "b"], name="figuretotal_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.a}/{self.b}"
