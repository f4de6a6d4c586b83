"""Merge fields: what a mail template may write in ``{{ }}``, and the values for many
recipients at once.

``recipient_contexts(person_ids)`` reads everyone in a handful of queries (the people, their
figures and rank, their companies, their last purchase, what they own for the
recommendations), not per person: a campaign to 10,000 people reads the same few queries
in chunks of :data:`CHUNK` ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daifuku.analytics.maths import copurchase
from daifuku.analytics.models import CustomerMetrics
from daifuku.analytics.selectors.crosssell import co_purchase_stats
from daifuku.analytics.selectors.orders import COUNTING
from daifuku.commerce.models import Order, OrderLine, Product
from daifuku.core.japanese import CompanyName, age_band, age_on
from daifuku.customers.models import Company, Contact, Person

CHUNK = 2000
RECOMMENDATIONS = 3

# name → what it means (the editor's help table and docs/mail-templates.md)
MERGE_FIELDS: dict[str, Any] = {
    "family_name": _("Family name (田中)"),
    "given_name": _("Given name (太郎)"),
    "full_name": _("Full name (田中 太郎)"),
    "display_name": _("Name with honorific (田中 太郎 様; a company: 株式会社○○ 御中)"),
    "company_name": _("The person's company (株式会社○○), empty when none"),
    "company_display_name": _("The company with 御中 (株式会社○○ 御中), empty when none"),
    "department": _("Department at the company"),
    "title": _("Title at the company"),
    "rank": _("Membership rank (ゴールド …), empty when none"),
    "buyer_status": _("none, first (first-time buyer) or repeat (repeat buyer)"),
    "first_time_buyer": _("True for a first-time buyer"),
    "repeat_buyer": _("True for a repeat buyer"),
    "order_count": _("Number of purchases"),
    "age_band": _("Age band code (10s, 20s … 70s+), empty when the birthday is unknown"),
    "age_band_label": _("Age band as written (20代)"),
    "last_product": _("The product of the last purchase"),
    "recommendations": _("Recommended products: a list of items with name, code and price"),
    "signature": _("The sender persona's signature"),
    "persona_signature": _("The sender persona's signature (same as signature)"),
    "persona_name": _("The sender persona's name shown"),
}
# the keys of a recommendation item (``{{ item.name }}``)
ITEM_KEYS = frozenset({"name", "code", "unit_price", "price", "product_id"})

AGE_BAND_LABELS = {
    "10s": "10代以下",
    "20s": "20代",
    "30s": "30代",
    "40s": "40代",
    "50s": "50代",
    "60s": "60代",
    "70s+": "70代以上",
}


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _empty(pk: int) -> dict[str, Any]:
    return {
        "person_id": pk,
        "family_name": "",
        "given_name": "",
        "full_name": "",
        "display_name": "",
        "company_name": "",
        "company_display_name": "",
        "department": "",
        "title": "",
        "rank": "",
        "buyer_status": "none",
        "first_time_buyer": False,
        "repeat_buyer": False,
        "order_count": 0,
        "age_band": "",
        "age_band_label": "",
        "last_product": "",
        "recommendations": [],
    }


def recipient_contexts(
    person_ids: Iterable[int], *, fields: Iterable[str] | None = None
) -> dict[int, dict[str, Any]]:
    """Merge fields of each person (missing or trashed people are left out). ``fields``,
    when given, names the fields a template uses: the recommendations and the last product
    are only read when asked for."""
    wanted = set(fields) if fields is not None else set(MERGE_FIELDS)
    ids = list(dict.fromkeys(int(pk) for pk in person_ids))
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        out.update(_contexts(chunk, wanted))
    return out


def _contexts(ids: list[int], wanted: set[str]) -> dict[int, dict[str, Any]]:
    today = timezone.localdate()
    out: dict[int, dict[str, Any]] = {}
    people = Person.objects.filter(pk__in=ids).values_list(
        "pk", "family_name", "given_name", "birthday"
    )
    for pk, family, given, birthday in people:
        ctx = _empty(pk)
        full = " ".join(p for p in (family, given) if p)
        band = age_band(age_on(birthday, today)) if birthday else None
        ctx.update(
            family_name=family,
            given_name=given,
            full_name=full,
            display_name=f"{full} 様",
            age_band=band or "",
            age_band_label=AGE_BAND_LABELS.get(band or "", ""),
        )
        out[pk] = ctx
    if not out:
        return out
    found = list(out)
    for pk, rank, buyer, count in CustomerMetrics.objects.filter(person_id__in=found).values_list(
        "person_id", "rank__name", "buyer_type", "order_count"
    ):
        out[pk].update(
            rank=rank or "",
            buyer_status=buyer or "none",
            first_time_buyer=buyer == "first",
            repeat_buyer=buyer == "repeat",
            order_count=count,
        )
    if wanted & {"company_name", "company_display_name", "department", "title"}:
        _add_companies(out, found)
    if "last_product" in wanted:
        _add_last_products(out, found)
    if "recommendations" in wanted:
        _add_recommendations(out, found)
    return out


def _add_companies(out: dict[int, dict[str, Any]], ids: list[int]) -> None:
    # the key person's company first, then the oldest link (Contact's own ordering)
    rows = Contact.objects.filter(person_id__in=ids, company__deleted_at__isnull=True).values_list(
        "person_id",
        "company__name",
        "company__legal_form",
        "company__legal_form_position",
        "department",
        "title",
    )
    for pk, name, form, position, department, title in rows:
        ctx = out[pk]
        if ctx["company_name"]:
            continue
        company = CompanyName(name, form or None, position or None).display
        ctx.update(
            company_name=company,
            company_display_name=f"{company} 御中",
            department=department,
            title=title,
        )


def _add_last_products(out: dict[int, dict[str, Any]], ids: list[int]) -> None:
    last_order = (
        Order.objects.filter(person_id=OuterRef("pk"), status__in=COUNTING)
        .order_by("-ordered_at", "-id")
        .values("id")[:1]
    )
    by_order = dict(
        (order, pk)
        for pk, order in Person.objects.filter(pk__in=ids)
        .annotate(last=Subquery(last_order))
        .exclude(last=None)
        .values_list("pk", "last")
    )
    lines = OrderLine.objects.filter(order_id__in=list(by_order)).order_by(
        "order_id", "position", "id"
    )
    for order, name, product in lines.values_list("order_id", "name", "product__name"):
        ctx = out[by_order[order]]
        if not ctx["last_product"]:
            ctx["last_product"] = product or name


def _add_recommendations(out: dict[int, dict[str, Any]], ids: list[int]) -> None:
    """analytics' co-purchase recommendations (the stats it caches, its ranking maths) for
    every person at once: what goes with what they bought, then what sells; never what they
    own, never a withdrawn product."""
    stats = co_purchase_stats()
    if not stats.popularity:
        return
    owned: dict[int, set[int]] = defaultdict(set)
    for pk, product in (
        OrderLine.objects.filter(
            order__person_id__in=ids, order__status__in=COUNTING, product__isnull=False
        )
        .order_by()
        .values_list("order__person_id", "product_id")
        .distinct()
    ):
        owned[pk].add(product)
    catalog = {
        p["pk"]: p
        for p in Product.objects.filter(pk__in=list(stats.popularity), is_active=True).values(
            "pk", "code", "name", "unit_price"
        )
    }
    withdrawn = len(stats.popularity) - len(catalog)
    for pk, ctx in out.items():
        picks = [
            p
            for p in copurchase.recommend(
                owned.get(pk, set()), stats, limit=RECOMMENDATIONS + withdrawn
            )
            if p in catalog
        ][:RECOMMENDATIONS]
        ctx["recommendations"] = [
            {
                "product_id": p,
                "code": catalog[p]["code"],
                "name": catalog[p]["name"],
                "unit_price": catalog[p]["unit_price"],
                "price": f"{catalog[p]['unit_price']:,}円",
            }
            for p in picks
        ]


def company_contexts(company_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Merge fields for mail addressed to a company itself: ``display_name`` is
    「株式会社○○ 御中」, the personal names are empty."""
    ids = list(dict.fromkeys(int(pk) for pk in company_ids))
    out: dict[int, dict[str, Any]] = {}
    rows = Company.objects.filter(pk__in=ids).values_list(
        "pk", "name", "legal_form", "legal_form_position"
    )
    for pk, name, form, position in rows:
        company = CompanyName(name, form or None, position or None).display
        ctx = _empty(0)
        del ctx["person_id"]
        ctx.update(
            company_id=pk,
            company_name=company,
            company_display_name=f"{company} 御中",
            display_name=f"{company} 御中",
        )
        out[pk] = ctx
    for pk, rank, buyer, count in CustomerMetrics.objects.filter(
        company_id__in=list(out)
    ).values_list("company_id", "rank__name", "buyer_type", "order_count"):
        out[pk].update(
            rank=rank or "",
            buyer_status=buyer or "none",
            first_time_buyer=buyer == "first",
            repeat_buyer=buyer == "repeat",
            order_count=count,
        )
    return out
