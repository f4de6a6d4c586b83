"""Reads of 設定 → メール配信 and 配信除外アドレス (administrators' pages): the topics and the
suppression list, searched and paged."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import MailTopic, Suppression


def topics() -> QuerySet[MailTopic]:
    return MailTopic.objects.all()


def topic(pk: int) -> MailTopic | None:
    return MailTopic.objects.filter(pk=pk).first()


def suppressions(query: str = "") -> QuerySet[Suppression]:
    """The list, newest first, narrowed to addresses containing ``query``."""
    rows = Suppression.objects.all().order_by("-created_at", "-id")
    query = (query or "").strip().lower()
    return rows.filter(email__contains=query) if query else rows


def suppression(pk: int) -> Suppression | None:
    return Suppression.objects.filter(pk=pk).first()
