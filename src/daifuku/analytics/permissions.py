"""Who sees and records advocacy (registered in AnalyticsConfig.ready()).

Referrals and NPS answers follow the customer ledger: whoever may see a person sees their
answers and referrals (a referral: whoever may see the person who introduced); recording
one needs the right to change the person. The advocate rule is read by everyone and set by
managers and administrators."""

from __future__ import annotations

from django.db.models import QuerySet

from daifuku.accounts.permissions import VIEW, may, restrict, sees_everything


def person_rows_policy(field: str):
    def policy(queryset: QuerySet, user, action: str) -> QuerySet:
        from daifuku.customers.models import Person

        return queryset.filter(
            **{f"{field}__in": restrict(Person.objects.all(), user, action).values("pk")}
        )

    return policy


def customer_rows_policy(queryset: QuerySet, user, action: str, customer) -> QuerySet:
    """Rows of one person already read through the ledger's selectors."""
    return queryset if may(user, action, customer) else queryset.none()


def rules_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if action == VIEW or sees_everything(user):
        return queryset
    return queryset.none()
