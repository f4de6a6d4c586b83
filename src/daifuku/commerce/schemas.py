"""API shapes of commerce. Inputs forbid unknown fields (a typo is an error, not lost data)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from daifuku.customers.schemas import Strict


class OrderLineIn(Strict):
    sku: str | None = Field(None, description="a product code of the catalog")
    product_id: int | None = None
    name: str | None = Field(None, description="free text when the item is not in the catalog")
    quantity: int = 1
    unit_price: int | None = Field(
        None, description="yen before tax; the product's price by default"
    )
    tax_rate: int | None = Field(
        None, description="10 or 8 (%); the product's rate, else 10, by default"
    )


class OrderIn(Strict):
    number: str = Field(description="the order number, unique within its source")
    source: str = Field("api", description="who numbers the orders: a till, an EC site …")
    person_id: int | None = None
    company_id: int | None = None
    customer_number: str | None = Field(
        None, description="the customer's member number (会員番号, Person.member_number)"
    )
    ordered_at: str = Field(description="ISO date (Japan) or date and time")
    channel: str | None = Field(
        None, description="a sales channel by name: 店舗, EC, 電話, 外商, イベント …"
    )
    store: str = ""
    lines: list[OrderLineIn] | None = None
    total: int | None = Field(None, description="yen, tax included, when there are no lines")
    tax_rate: int | None = Field(
        None, description="the rate of a total given without lines (10 by default)"
    )
    currency: str | None = Field(
        None,
        description="ISO 4217 (JPY by default); amounts are in its minor unit: yen, or cents "
        "for USD (29.33 dollars = 2933)",
    )


class ReturnLineIn(Strict):
    line_id: int
    quantity: int


class ReturnIn(Strict):
    lines: list[ReturnLineIn] | None = Field(
        None, description="omit to return everything not returned yet"
    )
    kind: str = Field("return", description="return or cancellation")
    reason: str = ""
    returned_at: str | None = None


class RateOut(Schema):
    rate: int
    taxable: int
    tax: int


class OrderLineOut(Schema):
    id: int
    product_id: int | None = None
    sku: str | None = None
    name: str
    quantity: int
    unit_price: int
    tax_rate: int
    amount: int
    returned_quantity: int


class ReturnOut(Schema):
    id: int
    order_id: int
    kind: str
    returned_at: dt.datetime
    reason: str
    subtotal: int
    tax: int
    total: int
    tax_breakdown: list[RateOut]
    item_count: int


class OrderOut(Schema):
    id: int
    number: str
    source: str
    customer_type: str
    customer_id: int
    person_id: int | None = None
    company_id: int | None = None
    ordered_at: dt.datetime
    channel: str | None = None
    store: str
    currency: str = Field(description="ISO 4217; the amounts are in its minor unit")
    status: str
    subtotal: int
    tax: int
    total: int
    tax_breakdown: list[RateOut]
    net_subtotal: int
    net_tax: int
    net_total: int
    item_count: int
    lines: list[OrderLineOut]
    returns: list[ReturnOut]


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None = None


class ChannelOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool


class ChannelList(Schema):
    items: list[ChannelOut]


class ChannelIn(Strict):
    name: str


class ChannelPatch(Strict):
    name: str | None = None
    position: int | None = None
    is_active: bool | None = None
