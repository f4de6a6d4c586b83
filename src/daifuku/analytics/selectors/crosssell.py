"""Cross-sell and up-sell (クロスセル・アップセル) from commerce's order lines.

* **Co-purchases**: catalog products bought in the same order, with support, confidence
  and lift (:mod:`daifuku.analytics.maths.copurchase`), over every order that counts (a
  fully returned or cancelled order does not). They describe the business as a whole, so
  they are computed once for everybody and kept until an order changes.
* **Recommendations** for one person: products bought with what they already have, by
  the sum of confidences over pairs with lift above 1, then the most popular products;
  never a product they bought, never a product withdrawn from the catalog. Each comes
  with its reason.
* **Up-sell paths**: customers who first bought a product and later a dearer product of
  the same category. A product's category is the part of its code before the first
  hyphen (``CHA-SENCHA`` and ``CHA-GYOKURO`` are both ``CHA``), as the price list codes.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import restrict_to_customer
from daifuku.behaviour import selectors as behaviour_selectors
from daifuku.commerce.models import Order, OrderLine, Product, Return
from daifuku.customers import selectors as customer_selectors

from ..maths import copurchase
from ..permissions import ensure_business_reader
from .orders import COUNTING, counting_orders, local_days

CACHE_SECONDS = 3600
MIN_TOGETHER = 2  # a pair seen in a single order is chance, not a pattern


def _version() -> tuple[int, int]:
    """The newest order and the newest return: orders are written once and change only by
    a return, so together they say whether the co-purchases changed. One query on two
    primary-key indexes (a count or a newest ``updated_at`` would scan the table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {Order._meta.db_table}),"  # noqa: S608 (model names)
            f" (SELECT MAX(id) FROM {Return._meta.db_table})"
        )
        last_order, last_return = cursor.fetchone()
    return last_order or 0, last_return or 0


def co_purchase_stats() -> copurchase.CoPurchase:
    """Pair statistics over every counting order (business-wide, cached per version)."""
    version = _version()
    if version[0] == 0:
        return copurchase.co_purchases([], [])
    key = f"analytics:copurchase:{MIN_TOGETHER}:{version[0]}:{version[1]}"
    stats = cache.get(key)
    if stats is None:
        rows = list(
            OrderLine.objects.filter(order__status__in=COUNTING, product__isnull=False)
            .order_by()
            .values_list("order_id", "product_id")
        )
        orders = [o for o, _p in rows]
        products = [p for _o, p in rows]
        stats = copurchase.co_purchases(orders, products, min_together=MIN_TOGETHER)
        cache.set(key, stats, CACHE_SECONDS)
    return stats


def top_pairs(user, *, limit: int = 20) -> list[dict[str, Any]]:
    """The strongest co-purchase pairs (by lift, then orders together): a business figure."""
    ensure_business_reader(user)
    stats = co_purchase_stats()
    pairs = stats.pairs[:limit]
    products = _products({p for pair in pairs for p in (pair.a, pair.b)})
    return [
        {
            "a": _product_dict(products.get(pair.a)),
            "b": _product_dict(products.get(pair.b)),
            "orders_together": pair.together,
            "support": pair.support,
            "confidence_ab": pair.confidence_ab,
            "confidence_ba": pair.confidence_ba,
            "lift": pair.lift,
        }
        for pair in pairs
    ]


def _products(ids) -> dict[Any, Product]:
    return {p.pk: p for p in Product.objects.filter(pk__in=list(ids))}


def _product_dict(product: Product | None) -> dict[str, Any] | None:
    if product is None:
        return None
    return {
        "product_id": product.pk,
        "code": product.code,
        "name": product.name,
        "unit_price": product.unit_price,
    }


def owned_products(user, person) -> set[int]:
    """Catalog products of the person's counting orders that the user may see."""
    orders = restrict_to_customer(Order.objects.all(), user, person, field="person").filter(
        status__in=COUNTING
    )
    return set(
        OrderLine.objects.filter(order__in=orders.values("pk"), product__isnull=False)
        .order_by()
        .values_list("product_id", flat=True)
        .distinct()
    )


def recommendations_for(
    user, person_id=None, *, person=None, limit: int = 5
) -> list[dict[str, Any]]:
    """Ranked products to suggest to the person (by id, 404 when out of the user's scope,
    or already read through the ledger's selectors), each with ``reason``:
    ``co_purchase`` (``because_of`` the owned product with the strongest lift, its
    ``lift`` and ``confidence``), then ``viewed`` (looked at on the site in the last 90
    days and not bought, ``views``), then ``popular`` (``orders`` with it). Never what the
    person already has or a withdrawn product. A few queries: the person's products, their
    product views, the orders' version, the catalog rows concerned."""
    if person is None:
        person = customer_selectors.get_person(user, person_id)
    stats = co_purchase_stats()
    if not stats.popularity:  # nothing sold yet: nothing to suggest
        return []
    owned = owned_products(user, person)
    views = dict(behaviour_selectors.viewed_products(person))
    viewed_ids = {
        p.pk: views[p.code]
        for p in Product.objects.filter(code__in=list(views), is_active=True)
        if p.pk not in owned
    }
    catalog: dict[Any, Product] = {
        p.pk: p
        for p in Product.objects.filter(
            pk__in=list(set(stats.popularity) | owned | set(viewed_ids))
        )
    }
    withdrawn = {pk for pk, p in catalog.items() if not p.is_active}
    candidates = [
        p
        for p in copurchase.recommend(owned, stats, limit=limit + len(withdrawn) + len(viewed_ids))
        if p not in withdrawn
    ]
    best: dict[Any, copurchase.Pair] = {}
    for pair in stats.pairs:
        if pair.lift <= 1:
            continue
        for have, other in ((pair.a, pair.b), (pair.b, pair.a)):
            if have in owned and other in candidates and other not in best:
                best[other] = pair
    # what goes with what they bought, then what they looked at, then what sells
    bought_with = [p for p in candidates if p in best]
    looked_at = sorted((p for p in viewed_ids if p not in best), key=lambda p: (-viewed_ids[p], p))
    popular = [p for p in candidates if p not in best and p not in viewed_ids]
    picks = (bought_with + looked_at + popular)[:limit]
    result = []
    for rank, product_id in enumerate(picks, 1):
        item: dict[str, Any] = {"rank": rank, **(_product_dict(catalog.get(product_id)) or {})}
        found = best.get(product_id)
        if found is not None:
            have = found.a if found.b == product_id else found.b
            confidence = found.confidence_ab if found.a == have else found.confidence_ba
            item.update(
                reason="co_purchase",
                because_of=_product_dict(catalog.get(have)),
                lift=round(found.lift, 4),
                confidence=round(confidence, 4),
                orders=stats.popularity.get(product_id, 0),
                explanation=_("Often bought with %(product)s (lift %(lift).1f)")
                % {"product": catalog[have].name, "lift": found.lift},
            )
        elif product_id in viewed_ids:
            item.update(
                reason="viewed",
                because_of=None,
                lift=None,
                confidence=None,
                orders=stats.popularity.get(product_id, 0),
                views=viewed_ids[product_id],
                explanation=_("Viewed on the site %(count)d times recently")
                % {"count": viewed_ids[product_id]},
            )
        else:
            count = stats.popularity.get(product_id, 0)
            item.update(
                reason="popular",
                because_of=None,
                lift=None,
                confidence=None,
                orders=count,
                explanation=_("Popular: in %(count)d orders") % {"count": count},
            )
        result.append(item)
    return result


def category_of(code: str) -> str:
    """The category of a product code: what comes before the first hyphen."""
    return code.split("-", 1)[0] if "-" in code else code


def upsell_paths(user, *, limit: int = 20) -> list[dict[str, Any]]:
    """From a product to a dearer one of the same category: how many customers bought the
    dearer one after first buying the cheaper one, and the median days between the two
    first purchases. Most customers first."""
    ensure_business_reader(user)
    rows = list(
        OrderLine.objects.filter(
            order__in=counting_orders(user, currency=None).values("pk"), product__isnull=False
        )
        .order_by()
        .values_list("order__person_id", "order__company_id", "order__ordered_at", "product_id")
    )
    if not rows:
        return []
    days = local_days([r[2] for r in rows]).astype("int64").tolist()
    first: dict[tuple, dict[int, int]] = defaultdict(dict)
    for (person, company, _at, product), day in zip(rows, days, strict=True):
        seen = first[(person, company)]
        if product not in seen or day < seen[product]:
            seen[product] = day
    catalog = {p.pk: p for p in Product.objects.filter(pk__in={r[3] for r in rows})}
    gaps: dict[tuple[int, int], list[int]] = defaultdict(list)
    for seen in first.values():
        items = sorted(seen.items(), key=lambda item: item[1])
        for i, (cheap, cheap_day) in enumerate(items):
            for dear, dear_day in items[i + 1 :]:
                a, b = catalog[cheap], catalog[dear]
                if (
                    dear_day > cheap_day
                    and b.unit_price > a.unit_price
                    and category_of(a.code) == category_of(b.code)
                ):
                    gaps[(cheap, dear)].append(dear_day - cheap_day)
    ranked = sorted(gaps.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return [
        {
            "category": category_of(catalog[a].code),
            "from_product": _product_dict(catalog[a]),
            "to_product": _product_dict(catalog[b]),
            "customers": len(days_between),
            "median_days": statistics.median(days_between),
        }
        for (a, b), days_between in ranked
    ]
