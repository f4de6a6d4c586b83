"""Demo orders for ``daifuku demo``: a small shop price list and a few purchases (in the
shop, on the EC site, by phone) for the first demo customers, one of them partly
returned — so the person page's purchases panel and timeline have something to show.
Won demo deals add their own orders (sales' ``deal.won`` reaction)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import services
from .models import Product

SHOP_PRODUCTS = [
    ("WAG-DAIFUKU", "豆大福（6個入）", 1_200, "reduced", "箱"),
    ("WAG-YOKAN", "本練り羊羹", 2_800, "reduced", "本"),
    ("CHA-SENCHA", "煎茶 100g", 1_500, "reduced", "袋"),
    ("KOG-YUNOMI", "有田焼 湯呑み", 3_600, "standard", "個"),
]
CHANNELS = ["店舗", "店舗", "EC", "電話", "外商", "イベント"]
STORES = {"店舗": "本店", "イベント": "秋の大茶会"}


def add_demo_orders(context) -> str:
    users, rng = context.users, context.random
    actor = users.get("admin") or "daifuku demo"
    products = []
    for code, name, price, category, unit in SHOP_PRODUCTS:
        product = Product.objects.filter(code=code).first() or services.create_product(
            actor=actor,
            data={
                "code": code,
                "name": name,
                "unit_price": price,
                "tax_category": category,
                "unit": unit,
            },
        )
        products.append(product)
    people = context.person_ids[:12]
    if not people:
        return "no demo customers: no orders"
    from daifuku.customers.models import Person

    today = timezone.localdate()
    orders = returns = 0
    for index, person in enumerate(Person.objects.filter(pk__in=people).order_by("pk")):
        for n in range(1 + rng.randrange(3)):
            chosen = rng.sample(products, 1 + rng.randrange(3))
            channel = rng.choice(CHANNELS)
            order, created = services.record_order(
                actor=actor,
                number=f"D-{person.pk:05d}-{n + 1}",
                source="demo",
                person=person,
                ordered_at=today - dt.timedelta(days=rng.randrange(5, 300)),
                channel=channel,
                store=STORES.get(channel, ""),
                lines=[{"product": p, "quantity": 1 + rng.randrange(3)} for p in chosen],
            )
            orders += created
            if created and index % 5 == 2 and n == 0:
                line = order.lines.first()
                services.record_return(
                    actor=actor,
                    order=order,
                    lines=[{"line_id": line.pk, "quantity": 1}],
                    reason="配送中の破損",
                )
                returns += 1
    return f"{orders} orders ({returns} partly returned)"
