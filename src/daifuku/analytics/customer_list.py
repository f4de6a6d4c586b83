"""Rank, RFM, LTV and predicted CLV as filters, sort keys and export columns of the
people list (registered into customers' list_extensions: customers sits below analytics
and never imports it). Everything reads the snapshot table, so a filter is one indexed
subquery and a sort one correlated subquery per row."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from daifuku.customers import list_extensions as ext
from daifuku.customers.models import Person

from .models import BuyerType, ChurnRisk, CustomerMetrics, RankRule

TABLE = CustomerMetrics._meta.db_table
AMOUNTS = (10_000, 30_000, 50_000, 100_000, 300_000, 1_000_000)
NO_RANK = "none"


def _people(where: str, params: list) -> tuple[str, list]:
    return f"SELECT person_id FROM {TABLE} WHERE person_id IS NOT NULL AND {where}", params


def _rank_choices() -> list[tuple[str, str]]:
    choices = [(str(pk), name) for pk, name in RankRule.objects.values_list("pk", "name")]
    return [*choices, (NO_RANK, str(_("No rank")))]


def _rank(value: str):
    if value == NO_RANK:  # bought nothing, or no rule holds: not in the snapshot or no rank
        return (
            f"SELECT id FROM {Person._meta.db_table} "
            f"WHERE id NOT IN ({_people('rank_id IS NOT NULL', [])[0]})",
            [],
        )
    # a number of at most 12 digits (a longer one overflows the column: no such rank)
    return _people("rank_id = %s", [int(value)]) if value.isdigit() and len(value) <= 12 else None


def _score(column: str):
    def subquery(value: str):
        return (
            _people(f"{column} = %s", [int(value)]) if value in {"1", "2", "3", "4", "5"} else None
        )

    return subquery


def _at_least(column: str):
    def subquery(value: str):
        return (
            _people(f"{column} >= %s", [int(value)])
            if value.isdigit() and int(value) in AMOUNTS
            else None
        )

    return subquery


def _amount_choices() -> list[tuple[str, str]]:
    return [
        (str(amount), str(_("¥%(amount)s or more") % {"amount": f"{amount:,}"}))
        for amount in AMOUNTS
    ]


def _buyer(value: str):
    return (
        _people("buyer_type = %s", [value])
        if value in (BuyerType.FIRST, BuyerType.REPEAT)
        else None
    )


def _churn(value: str):
    return _people("churn_risk = %s", [value]) if value in ChurnRisk.values and value else None


def _metric(field: str, default):
    def expression():
        return Coalesce(
            Subquery(CustomerMetrics.objects.filter(person=OuterRef("pk")).values(field)[:1]),
            Value(default),
        )

    return expression


def _cells(render):
    def values(ids: list[int]) -> dict[int, str]:
        rows = CustomerMetrics.objects.filter(person_id__in=ids).select_related("rank")
        return {row.person_id: render(row) for row in rows if row.person_id is not None}

    return values


def _day(value) -> str:
    return date_format(localtime(value), "Y-m-d") if value else ""


def register() -> None:
    score_choices = lambda: [(str(s), str(s)) for s in range(5, 0, -1)]  # noqa: E731
    ext.register_filter(ext.ListFilter("rank", _("Rank"), _rank_choices, _rank, order=10))
    ext.register_filter(
        ext.ListFilter(
            "buyer",
            _("Buyer type"),
            lambda: [
                (BuyerType.FIRST, BuyerType.FIRST.label),
                (BuyerType.REPEAT, BuyerType.REPEAT.label),
            ],
            _buyer,
            order=11,
        )
    )
    ext.register_filter(
        ext.ListFilter("rfm_r", _("RFM: recency (R)"), score_choices, _score("rfm_r"), order=20)
    )
    ext.register_filter(
        ext.ListFilter("rfm_f", _("RFM: frequency (F)"), score_choices, _score("rfm_f"), order=21)
    )
    ext.register_filter(
        ext.ListFilter("rfm_m", _("RFM: monetary (M)"), score_choices, _score("rfm_m"), order=22)
    )
    ext.register_filter(
        ext.ListFilter("ltv", _("LTV"), _amount_choices, _at_least("ltv"), order=30)
    )
    ext.register_filter(
        ext.ListFilter(
            "clv",
            _("Predicted CLV (12 months)"),
            _amount_choices,
            _at_least("predicted_clv"),
            order=31,
        )
    )
    ext.register_filter(
        ext.ListFilter(
            "churn",
            _("Churn risk"),
            lambda: [(c.value, c.label) for c in ChurnRisk if c.value],
            _churn,
            order=32,
        )
    )
    ext.register_sort(
        ext.ListSort("-ltv", _("LTV (highest first)"), "analytics_ltv", _metric("ltv", 0), order=10)
    )
    ext.register_sort(
        ext.ListSort(
            "-clv",
            _("Predicted CLV (highest first)"),
            "analytics_clv",
            _metric("predicted_clv", -1),
            order=11,
        )
    )
    ext.register_sort(
        ext.ListSort(
            "-rank",
            _("Rank (highest first)"),
            "analytics_rank",
            _metric("rank__priority", -1),
            order=12,
        )
    )
    ext.register_sort(
        ext.ListSort(
            "-purchases",
            _("Most purchases"),
            "analytics_purchases",
            _metric("order_count", 0),
            order=13,
        )
    )
    ext.register_export_column(
        ext.ExportColumn("ランク", _cells(lambda r: r.rank.name if r.rank_id else ""), order=10)
    )
    ext.register_export_column(
        ext.ExportColumn("購入回数", _cells(lambda r: str(r.order_count)), order=11)
    )
    ext.register_export_column(
        ext.ExportColumn("購入金額", _cells(lambda r: str(r.total)), order=12)
    )
    ext.register_export_column(ext.ExportColumn("LTV", _cells(lambda r: str(r.ltv)), order=13))
    ext.register_export_column(
        ext.ExportColumn(
            "RFM",
            _cells(lambda r: f"{r.rfm_r}{r.rfm_f}{r.rfm_m}" if r.order_count else ""),
            order=14,
        )
    )
    ext.register_export_column(
        ext.ExportColumn("最終購入日", _cells(lambda r: _day(r.last_order_at)), order=15)
    )
    ext.register_export_column(
        ext.ExportColumn(
            "予測CLV",
            _cells(lambda r: "" if r.predicted_clv is None else str(r.predicted_clv)),
            order=16,
        )
    )
