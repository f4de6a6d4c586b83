"""Conditions on the product categories a person bought (商品分類: お茶, 和菓子, 茶器 — the
``category`` a manager gives each product on the price list):

* ``bought_category`` — bought anything of a category (「お茶を買ったことがある」), within
  the last N days if a period is given;
* ``category_orders.<category>`` — how often: the number of orders holding at least one
  product of that category (「和菓子を3回以上」);
* ``category_amount.<category>`` — how much: the yen spent on that category's lines
  (before tax, as the lines are priced).

The last two are families — one field per category, listed by the builder as
「購入回数（お茶）」 — because a condition has one value: the category is part of the field,
the number is the value. Orders cancelled or wholly returned do not count (as for every
purchase condition); a partial return is recorded on the order, not on its lines, so the
amount of a category is the lines' amount as sold.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from daifuku.commerce.models import OrderLine, Product

from .activity import MAX_COUNT, MAX_YEN, PERIOD_HELP, aggregate, counted_orders
from .ledger import CHOICE_OPS, NUMBER_OPS, on_values
from .registry import CHOICE, NUMBER, Condition, Context, Field, register, register_family


def categories() -> list[str]:
    """The categories products have now, in order (a category is just a name on products:
    it exists while a product carries it)."""
    return list(
        Product.objects.exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def _lines(condition: Condition, context: Context, category: str | list[str]) -> QuerySet:
    """The lines of counted orders (within the condition's period) of products of
    ``category`` (one or several), keyed by the order's person."""
    names = [category] if isinstance(category, str) else category
    return OrderLine.objects.filter(
        order__in=counted_orders(condition, context), product__category__in=names
    )


def _bought_category(condition: Condition, context: Context) -> Q:
    return on_values(
        condition,
        lambda names: Q(pk__in=_lines(condition, context, names).values("order__person_id")),
    )


register(
    Field(
        "bought_category",
        _("Bought a product of the category"),
        "purchases",
        CHOICE,
        CHOICE_OPS,
        _bought_category,
        choices=lambda: [(name, name) for name in categories()],
        period=True,
        help=PERIOD_HELP,
    )
)


def _category_orders(category: str):
    def compile_orders(condition: Condition, context: Context) -> Q:
        # one row per (person, order) first: an order with three teas counts once
        orders = counted_orders(condition, context).filter(
            pk__in=OrderLine.objects.filter(product__category=category).values("order_id")
        )
        return aggregate(orders, Count("id"), condition)

    return compile_orders


def _category_amount(category: str):
    def compile_amount(condition: Condition, context: Context) -> Q:
        lines = _lines(condition, context, category).annotate(person_id=F("order__person_id"))
        return aggregate(lines, Sum("amount"), condition)

    return compile_amount


def _orders_field(category: str) -> Field:
    return Field(
        f"category_orders.{category}",
        _("Number of purchases of %(category)s") % {"category": category},
        "purchases",
        NUMBER,
        NUMBER_OPS,
        _category_orders(category),
        minimum=0,
        maximum=MAX_COUNT,
        period=True,
        unit=_("times"),
        help=format_lazy(
            "{} {}", _("Orders holding at least one product of the category."), PERIOD_HELP
        ),
    )


def _amount_field(category: str) -> Field:
    return Field(
        f"category_amount.{category}",
        _("Amount of %(category)s purchased (yen, before tax)") % {"category": category},
        "purchases",
        NUMBER,
        NUMBER_OPS,
        _category_amount(category),
        minimum=0,
        maximum=MAX_YEN,
        period=True,
        unit=_("yen"),
        help=PERIOD_HELP,
    )


def _resolver(build):
    def resolve(category: str) -> Field | None:
        return build(category) if Product.objects.filter(category=category).exists() else None

    return resolve


register_family(
    "category_orders",
    _resolver(_orders_field),
    lambda: [_orders_field(c) for c in categories()],
)
register_family(
    "category_amount",
    _resolver(_amount_field),
    lambda: [_amount_field(c) for c in categories()],
)
