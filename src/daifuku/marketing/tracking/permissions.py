"""Who reads mail events: what a customer did with the mails (opened, clicked, bought)
is read by everyone who may read that customer (as their orders and touches are); nobody
changes them through a screen — only tracking, bounces and unsubscribes write them."""

from __future__ import annotations

from django.db.models import QuerySet

from daifuku.accounts.permissions import VIEW, restrict


def mail_event_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if action != VIEW:
        return queryset.none()
    from daifuku.customers.models import Person

    people = restrict(Person.objects.all(), user, VIEW).values("pk")
    return queryset.filter(person__in=people)


def customer_mail_event_policy(queryset: QuerySet, user, action: str, customer) -> QuerySet:
    """The events of one person already read through ``restrict()`` (their 360° page)."""
    return queryset if action == VIEW else queryset.none()
