"""Who sees and changes what in commerce (registered in CommerceConfig.ready()).

* Products: everyone sees the catalog; managers and admins change it.
* Orders, their lines and returns: whoever may see a customer sees its orders; recording
  a return needs the right to change the customer. Out of scope is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from daifuku.accounts.permissions import VIEW, sees_everything


def catalog_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if action == VIEW or sees_everything(user):
        return queryset
    return queryset.none()


def order_policy(prefix: str = ""):
    """Orders follow the customer ledger's rules: a user sees (changes) the orders of the
    customers they may see (change) — whatever the customers' policy says, so a change of
    the ledger's rules carries over to purchases."""

    def policy(queryset: QuerySet, user, action: str) -> QuerySet:
        from daifuku.accounts.permissions import restrict
        from daifuku.customers.models import Company, Person

        people = restrict(Person.objects.all(), user, action).values("pk")
        companies = restrict(Company.objects.all(), user, action).values("pk")
        return queryset.filter(
            Q(**{f"{prefix}person__in": people}) | Q(**{f"{prefix}company__in": companies})
        )

    return policy


def customer_order_policy(queryset: QuerySet, user, action: str, customer) -> QuerySet:
    """Orders of one customer already read through the ledger's selectors: the customer's
    own rule, judged on the loaded row, decides for all of them (no subquery)."""
    from daifuku.accounts.permissions import may

    return queryset if may(user, action, customer) else queryset.none()
