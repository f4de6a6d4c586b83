"""Commerce's orders as numpy columns, net of returns, for the business figures and the
CLV fit.

One row per order that still counts: an order fully returned or cancelled is left out,
a partly returned one counts with its amount after the returns (``net_total``, tax
included, integer yen). The day of an order is its day in Japan time. A customer is a
person (their id) or a company (minus its id), so both fit in one integer column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import connections
from django.db.models import CharField, Count, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from daifuku.accounts.permissions import restrict
from daifuku.commerce.maths.currency import HOME
from daifuku.commerce.models import Order
from daifuku.commerce.models.orders import OrderStatus

COUNTING = (OrderStatus.ORDERED, OrderStatus.PARTLY_RETURNED)


@dataclass(frozen=True)
class Transactions:
    """Columns of the same length: ``customer`` (person id > 0, company id < 0),
    ``day`` (datetime64[D], Japan time), ``amount`` (net yen, tax included), ``channel``
    (channel id, 0 without one), ``order`` (order id)."""

    customer: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    channel: np.ndarray
    order: np.ndarray

    @property
    def size(self) -> int:
        return int(self.customer.size)

    def until(self, last_day) -> Transactions:
        keep = self.day <= np.datetime64(last_day, "D")
        return Transactions(*(column[keep] for column in self._columns()))

    def _columns(self):
        return self.customer, self.day, self.amount, self.channel, self.order


def counting_orders(user=None, *, currency: str | None = HOME) -> QuerySet:
    """Orders that count in the figures; those the user may see when ``user`` is given
    (``None``: the whole business, for jobs that run without a signed-in user). Money
    figures count the orders in yen only (``currency``; None: every currency, for what
    counts products rather than money)."""
    qs = Order.objects.filter(status__in=COUNTING)
    if currency is not None:
        qs = qs.filter(currency=currency)
    return qs if user is None else restrict(qs, user)


def main_currency(*, until: dt.date | None = None) -> str:
    """The currency most counting orders up to ``until`` are in (yen on a tie or with no
    orders): what the CLV fit learns from when nobody names one — a shop that sells in
    dollars (the CDNOW sample) is fitted on its dollars, a yen shop on its yen."""
    qs = Order.objects.filter(status__in=COUNTING)
    if until is not None:
        qs = qs.filter(ordered_at__lt=end_of_day(until))
    counts = dict(qs.order_by().values_list("currency").annotate(n=Count("pk")))
    if not counts:
        return HOME
    best = max(counts.values())
    return HOME if counts.get(HOME) == best else min(c for c, n in counts.items() if n == best)


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in Japan time (a bound for ``ordered_at__lt``)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _tokyo_offset_seconds() -> float | None:
    """The current zone's one offset from UTC, or None for a zone with summer time."""
    zone = timezone.get_current_timezone()
    offsets = {zone.utcoffset(dt.datetime(2026, month, 1)) for month in (1, 7)}
    if len(offsets) != 1:
        return None
    return offsets.pop().total_seconds()  # type: ignore[union-attr]


def local_days(instants) -> np.ndarray:
    """Instants (aware datetimes, or the UTC text SQLite stores) → their days in the
    current time zone (Asia/Tokyo) as datetime64[D]. Japan keeps one offset all year, so
    one offset converts every row at numpy speed; a zone with summer time falls back to
    converting row by row."""
    instants = list(instants)
    if not instants:
        return np.zeros(0, dtype="datetime64[D]")
    offset = _tokyo_offset_seconds()
    if isinstance(instants[0], str):  # UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]"
        utc = np.array(instants, dtype="datetime64[us]")
        if offset is not None:
            shifted = utc + np.timedelta64(int(offset), "s")
            return shifted.astype("datetime64[D]")
        instants = [timezone.make_aware(d.item(), dt.UTC) for d in utc]
    if offset is not None:
        seconds = np.fromiter(
            (d.timestamp() for d in instants), dtype=np.float64, count=len(instants)
        )
        return ((seconds + offset) // 86_400).astype("int64").astype("datetime64[D]")
    return np.array([timezone.localtime(d).date() for d in instants], dtype="datetime64[D]")


def _raw_rows(qs: QuerySet, *fields: str) -> list[tuple]:
    """The rows of ``qs.values_list(*fields)`` without Django's per-value converters
    (a datetime parsed in Python per row was most of the read): SQLite hands back the
    stored UTC text, which :func:`local_days` parses in one numpy call."""
    sql, params = qs.values_list(*fields).query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def transactions(user=None, *, until: dt.date | None = None, currency: str = HOME) -> Transactions:
    """Every counting order in ``currency`` (yen unless said: the CLV fit may be asked
    for another) up to and including the day ``until``, as columns."""
    qs = counting_orders(user, currency=currency)
    if until is not None:
        qs = qs.filter(ordered_at__lt=end_of_day(until))
    qs = qs.order_by()
    if connections[qs.db].vendor == "sqlite":
        # the stored UTC text as it is: sqlite3's converter would parse it row by row
        qs = qs.annotate(instant=Cast("ordered_at", CharField()))
        when = "instant"
    else:
        when = "ordered_at"  # psycopg builds the datetimes in C
    rows = _raw_rows(qs, "person_id", "company_id", when, "net_total", "channel_id", "pk")
    if not rows:
        nothing = np.zeros(0, dtype=np.int64)
        return Transactions(nothing, nothing.astype("datetime64[D]"), np.zeros(0), nothing, nothing)
    person, company, instants, amount, channel, order = zip(*rows, strict=True)
    return Transactions(
        customer=np.where(_ids(person) > 0, _ids(person), -_ids(company)),
        day=local_days(instants),
        amount=np.asarray(amount, dtype=np.float64),
        channel=_ids(channel),
        order=np.asarray(order, dtype=np.int64),
    )


def _ids(column) -> np.ndarray:
    """A nullable id column → int64 with 0 for NULL (ids start at 1)."""
    return np.nan_to_num(np.array(column, dtype=np.float64), nan=0.0).astype(np.int64)
