"""Which column of an order history file goes where: the fields of an order import, the
Japanese and English headers that suggest them (EC-cart and POS exports, the CDNOW
sample), and reading their dates and amounts."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from daifuku.core.japanese import normalize_text

from . import mapping

#: The fields a column of an order file can fill, in the order the mapping screen lists them.
ORDER_FIELDS: dict[str, object] = {
    "order_number": _("Order number"),
    "member_number": _("Member number (会員番号)"),
    "email": _("Email address"),
    "phone": _("Phone number"),
    "customer_name": _("Customer name (for a customer the import creates)"),
    "ordered_at": _("Order date"),
    "sku": _("Product code"),
    "product_name": _("Product name"),
    "quantity": _("Quantity"),
    "unit_price": _("Unit price (before tax)"),
    "amount": _("Amount (order total tax included, or the line's amount)"),
    "tax_rate": _("Tax rate (%)"),
    "channel": _("Sales channel"),
    "store": _("Store"),
}
#: One of these names the customer; an order needs a date and an amount or unit price.
CUSTOMER_KEYS = ("member_number", "email", "phone")
LINE_FIELDS = frozenset({"sku", "product_name", "unit_price"})

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_number": (
        "注文番号",
        "受注番号",
        "注文id",
        "注文no",
        "オーダー番号",
        "伝票番号",
        "レシート番号",
        "ordernumber",
        "orderno",
        "orderid",
        "order",
        "name",  # Shopify's order export: "#1001"
    ),
    "member_number": (
        "会員番号",
        "会員id",
        "会員no",
        "会員コード",
        "顧客番号",
        "顧客id",
        "顧客コード",
        "お客様番号",
        "ポイントカード番号",
        "membernumber",
        "memberid",
        "customernumber",
        "customerid",
        "customerno",
        "customer",
    ),
    "email": ("メールアドレス", "メール", "email", "e-mail", "mail", "emailaddress"),
    "phone": ("電話番号", "電話", "携帯電話", "tel", "phone", "phonenumber"),
    "customer_name": ("氏名", "お名前", "顧客名", "会員名", "購入者名", "注文者名", "customername"),
    "ordered_at": (
        "注文日",
        "注文日時",
        "受注日",
        "受注日時",
        "購入日",
        "購入日時",
        "売上日",
        "日付",
        "date",
        "orderdate",
        "ordered_at",
        "createdat",
        "purchasedate",
    ),
    "sku": (
        "商品コード",
        "品番",
        "商品番号",
        "jan",
        "janコード",
        "sku",
        "productcode",
        "itemcode",
        "lineitemsku",
    ),
    "product_name": (
        "商品名",
        "品名",
        "商品",
        "productname",
        "product",
        "item",
        "itemname",
        "lineitemname",
    ),
    "quantity": ("数量", "個数", "点数", "quantity", "qty", "lineitemquantity", "numberofcds"),
    "unit_price": ("単価", "税抜単価", "販売単価", "unitprice", "price", "lineitemprice"),
    "amount": (
        "金額",
        "合計金額",
        "購入金額",
        "注文金額",
        "税込金額",
        "売上金額",
        "小計",
        "amount",
        "total",
        "dollarvalue",
        "value",
    ),
    "tax_rate": ("税率", "消費税率", "taxrate", "tax_rate"),
    "channel": ("販売経路", "チャネル", "販売チャネル", "channel", "saleschannel"),
    "store": ("店舗", "店舗名", "店名", "store", "shop", "location"),
}
_INDEX: dict[str, str] = {}
for _field, _words in _SYNONYMS.items():
    for _word in _words:
        _INDEX.setdefault(mapping.header_key(_word), _field)


def suggest(headers: list[str]) -> dict[str, str]:
    """``{header: field}`` for the headers that name an order field (each field once)."""
    return mapping.suggest_from(headers, _INDEX)


_DIGITS8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE = re.compile(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?(?:[ T](.+))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_ordered_at(text: str) -> dt.date | dt.datetime:
    """``20250131``, ``2025/01/31``, ``2025-01-31``, ``2025年1月31日`` (a date: the start of
    that day in Japan), with a time after it (``2025/01/31 14:05``) or ISO 8601 with an
    offset (``2025-01-31T14:05:00+09:00``). ValueError otherwise."""
    value = normalize_text(text)
    if not value:
        raise ValueError(text)
    found = _DIGITS8.match(value)
    if found:
        return dt.date(*(int(part) for part in found.groups()))
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.date() if len(value) == 10 else parsed
    except ValueError:
        pass
    found = _DATE.match(value)
    if not found:
        raise ValueError(text)
    day = dt.date(int(found[1]), int(found[2]), int(found[3]))
    if not found[4]:
        return day
    clock = _TIME.match(found[4].strip())
    if not clock:
        raise ValueError(text)
    return dt.datetime.combine(day, dt.time(int(clock[1]), int(clock[2]), int(clock[3] or 0)))


def parse_quantity(text: str) -> int:
    value = normalize_text(text).replace(",", "")
    if not value:
        return 1
    number = float(value)
    if number != int(number) or number < 1:
        raise ValueError(text)
    return int(number)


def parse_rate(text: str) -> int | None:
    value = normalize_text(text).replace("%", "").replace("％", "")
    if not value:
        return None
    number = float(value)
    if 0 < number < 1:  # 0.1 / 0.08 as a spreadsheet stores a percentage
        number *= 100
    return round(number)
