"""Orders as a user may see them: whoever may see a customer sees its orders."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import VIEW, restrict, restrict_to_customer
from daifuku.core.errors import ValidationFailed
from daifuku.core.pagination import Page, keyset_page
from daifuku.customers import selectors as customer_selectors

from ..maths.currency import HOME
from ..models import Channel, Order, OrderLine, Return

ORDERING = ["-ordered_at", "-id"]


def orders_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Order.objects.all(), user, action)


def _with_details(qs: QuerySet) -> QuerySet:
    return qs.select_related("channel").prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.select_related("product").annotate(
                returned_quantity=Sum("returned__quantity")
            ),
        ),
        Prefetch("returns", queryset=Return.objects.order_by("returned_at", "id")),
    )


def get_order(user, pk, action: str = VIEW) -> Order:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    order = _with_details(orders_queryset(user, action)).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def list_orders(
    user, *, person=None, company=None, cursor: str | None = None, size: int = 25
) -> Page:
    """Newest first; one customer's orders when ``person`` or ``company`` is given (read
    through the ledger's selectors by the caller)."""
    if person is not None:
        qs = restrict_to_customer(Order.objects.all(), user, person, field="person")
    elif company is not None:
        qs = restrict_to_customer(Order.objects.all(), user, company, field="company")
    else:
        qs = orders_queryset(user)
    return keyset_page(_with_details(qs), ORDERING, cursor=cursor, size=size)


def customer_orders(user, customer, *, field: str, limit: int = 5) -> tuple[list[Order], dict]:
    """The customer's newest orders and their count and net sum (returns deducted; the
    sum in yen counts the yen orders only — amounts in another currency are not yen)."""
    qs = restrict_to_customer(Order.objects.all(), user, customer, field=field)
    recent = list(qs.select_related("channel").order_by(*ORDERING)[:limit])
    if len(recent) < limit:
        totals = {
            "count": len(recent),
            "net_total": sum(o.net_total for o in recent if o.currency == HOME),
        }
    else:
        totals = qs.aggregate(
            count=Count("id"), net_total=Sum("net_total", filter=Q(currency=HOME))
        )
    return recent, {"count": totals["count"] or 0, "net_total": totals["net_total"] or 0}


def customer_for_api(user, *, person_id=None, company_id=None, customer_number=None) -> dict:
    """``{"person": …}`` or ``{"company": …}`` named by exactly one of the three; out of
    scope is a 404 like every read; an unknown member number is a field error."""
    given = [
        name
        for name, value in (
            ("person_id", person_id),
            ("company_id", company_id),
            ("customer_number", customer_number),
        )
        if value not in (None, "")
    ]
    if len(given) != 1:
        raise ValidationFailed(
            {"customer": [_("Give exactly one of person_id, company_id or customer_number.")]},
            code="customer_required" if not given else "ambiguous_customer",
        )
    if person_id not in (None, ""):
        return {"person": customer_selectors.get_person(user, person_id)}
    if company_id not in (None, ""):
        return {"company": customer_selectors.get_company(user, company_id)}
    matches = list(customer_selectors.people_with_member_number(user, str(customer_number))[:2])
    if len(matches) != 1:
        message = (
            _("No customer has this member number.")
            if not matches
            else _("More than one customer has this member number.")
        )
        raise ValidationFailed(
            {"customer_number": [message]},
            code="unknown_customer" if not matches else "ambiguous_customer",
        )
    return {"person": matches[0]}


def channels(user, action: str = VIEW, *, active_only: bool = False) -> QuerySet:
    """The sales channels in list order (everyone reads them; managers change them)."""
    qs = restrict(Channel.objects.all(), user, action)
    return (qs.filter(is_active=True) if active_only else qs).order_by("position", "id")
