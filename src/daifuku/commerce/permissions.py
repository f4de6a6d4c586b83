"""Who sees and changes what in commerce (registered in CommerceConfig.ready()).

* Products: everyone sees the catalog; managers and admins change it.
* Orders, their lines and returns: whoever may see a customer sees its orders; recording
  a return needs the right to change the customer. Out of scope is a 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

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

        # correlated EXISTS, not ``IN (the visible people)``: PostgreSQL ran the IN as a
        # subplan that read every visible person before the first order (≈ 180 ms of one
        # API order at 1M people); EXISTS is one index probe per order row
        people = restrict(Person.objects.all(), user, action).filter(
            pk=OuterRef(f"{prefix}person_id")
        )
        companies = restrict(Company.objects.all(), user, action).filter(
            pk=OuterRef(f"{prefix}company_id")
        )
        return queryset.filter(Exists(people) | Exists(companies))

    return policy


def customer_order_policy(queryset: QuerySet, user, action: str, customer) -> QuerySet:
    """Orders of one customer already read through the ledger's selectors: the customer's
    own rule, judged on the loaded row, decides for all of them (no subquery)."""
    from daifuku.accounts.permissions import may

    return queryset if may(user, action, customer) else queryset.none()
