"""Purchases as plain rows for figures and KPIs (the analytics maths take
``(customer, day, amount)`` arrays): orders as positive amounts on the day ordered, returns
and cancellations as negative amounts on the day they happened — the netting rule of
``analytics.maths.cohorts``. Customer keys: a person's id, a company's id negated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from daifuku.accounts.permissions import VIEW, restrict
from daifuku.core.metrics import EVERYONE, Scope, bounds

from ..maths.currency import HOME
from ..models import Order, OrderLine, Return


@dataclass
class PurchaseRows:
    """Parallel lists, one entry per order or return."""

    customer: list[int] = field(default_factory=list)
    day: list[dt.date] = field(default_factory=list)
    amount: list[int] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)  # "" for an order without a channel
    order: list[int] = field(default_factory=list)
    _arrays: tuple | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.customer)

    def arrays(self):
        """``(customer, day, amount, channel)`` as numpy arrays (int64, datetime64[D],
        float, object), built once: the figures' maths work on arrays."""
        if self._arrays is None:
            import numpy as np

            epoch = dt.date(1970, 1, 1).toordinal()
            self._arrays = (
                np.asarray(self.customer, dtype=np.int64),
                (
                    np.fromiter((d.toordinal() for d in self.day), np.int64, len(self.day)) - epoch
                ).astype("datetime64[D]"),
                np.asarray(self.amount, dtype=float),
                np.asarray(self.channel, dtype=object),
            )
        return self._arrays


def customer_key(person_id: int | None, company_id: int | None) -> int:
    return person_id if person_id else -(company_id or 0)


def _scoped(qs: QuerySet, scope: Scope, prefix: str = "") -> QuerySet:
    """Orders of the customers the scope's user owns or its team holds."""
    if scope.user_id:
        qs = qs.filter(
            Q(**{f"{prefix}person__owner_id": scope.user_id})
            | Q(**{f"{prefix}company__owner_id": scope.user_id})
        )
    if scope.team_id:
        qs = qs.filter(
            Q(**{f"{prefix}person__team_id": scope.team_id})
            | Q(**{f"{prefix}company__team_id": scope.team_id})
        )
    return qs


def purchase_rows(
    user=None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    scope: Scope = EVERYONE,
    action: str = VIEW,
) -> PurchaseRows:
    """Orders and returns in [start, end] (days in Japan time; open ends when None), of
    the customers ``user`` may see (all of them when ``user`` is None: KPIs and jobs)."""
    orders = Order.objects.all() if user is None else restrict(Order.objects.all(), user, action)
    orders = orders.filter(currency=HOME)  # money: the orders in yen only
    returns = Return.objects.filter(order__in=orders.values_list("pk", flat=True))
    orders, returns = _scoped(orders, scope), _scoped(returns, scope, "order__")
    if start is not None or end is not None:
        first, after = bounds(start or dt.date(1900, 1, 1), end or dt.date(2999, 12, 31))
        orders = orders.filter(ordered_at__gte=first, ordered_at__lt=after)
        returns = returns.filter(returned_at__gte=first, returned_at__lt=after)
    rows = PurchaseRows()
    for values in (
        _fetch(
            orders,
            ("pk", "person_id", "company_id", "ordered_at", "total", "channel__name"),
            "ordered_at",
        ),
        _fetch(
            returns,
            (
                "order_id",
                "order__person_id",
                "order__company_id",
                "returned_at",
                "total",
                "order__channel__name",
            ),
            "returned_at",
        ),
    ):
        if not values:
            continue
        order_ids, people, companies, whens, totals, channels = zip(*values, strict=True)
        rows.customer.extend(map(customer_key, people, companies))
        rows.day.extend(_local_days(whens))
        rows.amount.extend(totals)
        rows.channel.extend(c or "" for c in channels)
        rows.order.extend(order_ids)
    return rows


def _fetch(qs: QuerySet, fields: tuple[str, ...], when: str) -> list[tuple]:
    """The rows of ``qs.values_list(*fields)`` straight from the cursor: the ORM turns each
    timestamp into an aware datetime one by one, which cost ten times the query itself
    (100,000 orders); the days are computed in bulk by :func:`_local_days` instead."""
    sql, params = qs.values_list(*fields).order_by(when, "pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _local_days(values) -> list[dt.date]:
    """UTC timestamps as the database returns them (naive on SQLite, aware on PostgreSQL,
    a string where a driver does not convert) → the day in the site's time zone. The
    offset is the zone's current one: Japan has no summer time."""
    import numpy as np

    naive = [dt.datetime.fromisoformat(v) if isinstance(v, str) else v for v in values]
    naive = [v.replace(tzinfo=None) if v.tzinfo is not None else v for v in naive]
    offset = timezone.get_default_timezone().utcoffset(dt.datetime.now()) or dt.timedelta(0)
    stamps = np.array(naive, dtype="datetime64[us]") + np.timedelta64(
        round(offset.total_seconds() * 1_000_000), "us"
    )
    return stamps.astype("datetime64[D]").tolist()


def basket_rows(user=None, *, start: dt.date | None = None, end: dt.date | None = None):
    """``(order ids, product names)`` of the catalog products on orders not wholly
    returned or cancelled — the input of co-purchase pairs."""
    orders = Order.objects.all() if user is None else restrict(Order.objects.all(), user, VIEW)
    orders = orders.exclude(status__in=["returned", "cancelled"])
    if start is not None or end is not None:
        first, after = bounds(start or dt.date(1900, 1, 1), end or dt.date(2999, 12, 31))
        orders = orders.filter(ordered_at__gte=first, ordered_at__lt=after)
    lines = OrderLine.objects.filter(
        order__in=orders.values_list("pk", flat=True), product__isnull=False
    )
    order_ids, names = [], []
    for order_id, name in lines.values_list("order_id", "product__name"):
        order_ids.append(order_id)
        names.append(name)
    return order_ids, names


def buyers_of_products(user, names: list[str]) -> list[int]:
    """People who have an order (not wholly returned) of every product named."""
    people: set[int] | None = None
    orders = restrict(Order.objects.all(), user, VIEW).exclude(status__in=["returned", "cancelled"])
    for name in names:
        found = set(
            OrderLine.objects.filter(
                order__in=orders.values_list("pk", flat=True),
                product__name=name,
                order__person__isnull=False,
            ).values_list("order__person_id", flat=True)
        )
        people = found if people is None else people & found
    return sorted(people or [])
