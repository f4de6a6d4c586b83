"""Orders (注文) with their lines, and returns (返品・キャンセル) as reversing entries.

An order is written once and never changed afterwards except for its status and its
running net figures: a cancellation or a return is a :class:`Return` with negative
amounts, so the history of what was bought and what came back stays readable, and every
figure (the customer's purchases, analytics) is the order net of its returns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .catalog import Product


class Channel(models.Model):
    """Where an order came in (販売経路): 店舗, EC, 電話, 外商, イベント … — a list the
    organisation edits; the usual ones exist from the first ``migrate``."""

    name = models.CharField(pgettext_lazy("channel", "name"), max_length=50, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("sales channel")
        verbose_name_plural = _("sales channels")

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", pgettext_lazy("order status", "Ordered")
    PARTLY_RETURNED = "partly_returned", pgettext_lazy("order status", "Partly returned")
    RETURNED = "returned", pgettext_lazy("order status", "Returned")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class Order(models.Model):
    """One purchase by a customer (a person or a company, as on a deal): its number is
    unique within its source (the till, the EC site, ``sales`` for won deals), so sending
    the same order twice records it once. Amounts are integer yen: ``subtotal`` before
    tax, ``tax`` computed once per rate and rounded down (``tax_breakdown``), ``total``
    tax included — as ordered. ``net_*`` are the same figures after the returns."""

    source = models.CharField(pgettext_lazy("order", "source"), max_length=40, default="api")
    number = models.CharField(_("order number"), max_length=60)
    person = models.ForeignKey(
        "customers.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    ordered_at = models.DateTimeField(_("ordered at"))
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("sales channel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    store = models.CharField(_("store"), max_length=100, blank=True)
    # ISO 4217; the amounts are integers in its minor unit (yen, cents: maths/currency.py)
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ORDERED
    )
    subtotal = models.BigIntegerField(_("subtotal (yen, before tax)"))
    tax = models.BigIntegerField(_("consumption tax (yen)"))
    total = models.BigIntegerField(_("total (yen, tax included)"))
    tax_breakdown = models.JSONField(_("tax per rate"), default=list, blank=True)
    net_subtotal = models.BigIntegerField(_("subtotal after returns"))
    net_tax = models.BigIntegerField(_("tax after returns"))
    net_total = models.BigIntegerField(_("total after returns"))
    item_count = models.PositiveIntegerField(_("items"), default=0)
    # the sender's own id of the order (Shopify's numeric order id): refunds name the order
    # by it; ``external_updated_at`` is the sender's ``updated_at`` of the last change taken
    # (an older or repeated ``orders/updated`` changes nothing)
    external_id = models.CharField(
        _("id at the sender"), max_length=40, blank=True, default="", db_default=""
    )
    external_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="order_number_per_source"),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(company__isnull=False),
                name="order_has_customer",
            ),
        ]
        indexes = [
            # a customer's purchases, newest first (360° page, API list); with the net
            # total and currency the analytics rebuild sums every customer's purchases
            # from the index alone, in customer order (no sort, no table visit)
            models.Index(
                fields=["person", "-ordered_at", "-id", "net_total", "currency"],
                name="order_person_idx",
            ),
            models.Index(
                fields=["company", "-ordered_at", "-id", "net_total", "currency"],
                name="order_company_idx",
            ),
            # a Shopify refund names its order by Shopify's id
            models.Index(
                fields=["source", "external_id"],
                name="order_external_idx",
                condition=~models.Q(external_id=""),
            ),
            # people's purchases of a period (marketing's 「直近365日に2回以上」), grouped
            # per person: read in the person's order with what a purchase is tested on,
            # never the wide rows
            models.Index(
                fields=["person", "ordered_at", "net_total", "currency"],
                name="order_period_person_idx",
                condition=models.Q(person__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def customer(self):
        return self.person if self.person_id else self.company


class OrderLine(models.Model):
    """One line of an order: a catalog product or free text, how many, the unit price
    before tax (integer yen) and the tax rate (10 or 8 %)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(pgettext_lazy("order line", "item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.BigIntegerField(_("unit price (yen, before tax)"))
    tax_rate = models.PositiveSmallIntegerField(_("tax rate (%)"))
    amount = models.BigIntegerField(_("amount (yen, before tax)"))
    # the sender's id of the line (Shopify's line item id): a refund names its lines by it
    external_id = models.CharField(
        _("line id at the sender"), max_length=40, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class ReturnKind(models.TextChoices):
    RETURN = "return", pgettext_lazy("return kind", "Return")
    CANCELLATION = "cancellation", pgettext_lazy("return kind", "Cancellation")


class Return(models.Model):
    """A cancellation or a return (返品) of a whole order or some of its lines: a
    reversing entry whose amounts are negative (``subtotal``, ``tax``, ``total``), so the
    order's history is never rewritten."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    kind = models.CharField(
        _("kind"), max_length=12, choices=ReturnKind.choices, default=ReturnKind.RETURN
    )
    returned_at = models.DateTimeField(_("returned at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    subtotal = models.BigIntegerField(_("subtotal (yen, before tax)"))
    tax = models.BigIntegerField(_("consumption tax (yen)"))
    total = models.BigIntegerField(_("total (yen, tax included)"))
    tax_breakdown = models.JSONField(_("tax per rate"), default=list, blank=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    # the sender's id of the refund (Shopify's refund id): the same refund is recorded once
    external_id = models.CharField(
        _("refund id at the sender"), max_length=40, blank=True, default="", db_default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["returned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "external_id"],
                name="return_external_once",
                condition=~models.Q(external_id=""),
            )
        ]
        verbose_name = _("return")
        verbose_name_plural = _("returns")

    def __str__(self) -> str:
        return f"{self.order.number} ({self.get_kind_display()})"


class ReturnLine(models.Model):
    """How many of one order line came back, and their amount before tax (negative)."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="returned")
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.BigIntegerField(_("amount (yen, before tax)"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")

    def __str__(self) -> str:
        return f"{self.order_line.name} × {self.quantity}"
