"""Who sees and records analytics' rows (policies registered in AnalyticsConfig.ready()).

**Advocacy.** Referrals and NPS answers follow the customer ledger: whoever may see a
person sees their answers and referrals (a referral: whoever may see the person who
introduced); recording one needs the right to change the person. The advocate rule is read by everyone and set by
managers and administrators.

**Business figures and per-customer predictions.**

* **Business figures** (cohorts, second-purchase conversion, repeat and churn rates, LTV
  by channel, revenue by route and product, the retention what-if, the CLV fit) describe
  the whole business, not one customer: managers, admins and marketers (marketing plans
  its campaigns on them) read them; reps and support get a 403 ``permission_denied``.
  They are computed over the orders the reader may see (``restrict``), so a change of
  the ledger's rules carries over to them.
* **Per-customer figures** (predicted CLV, probability alive, recommendations) follow the
  customer ledger: whoever may see the customer sees them; out of scope is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from daifuku.accounts.models import Role
from daifuku.accounts.permissions import VIEW, may, restrict, sees_everything
from daifuku.core.errors import PermissionDenied


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


BUSINESS_READERS = (Role.ADMIN, Role.MANAGER, Role.MARKETER)


def may_see_business_figures(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.role in BUSINESS_READERS)


def ensure_business_reader(user) -> None:
    if not may_see_business_figures(user):
        raise PermissionDenied(
            _("Business figures are for managers, administrators and marketers.")
        )


def fit_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """A fit's parameters are a business figure; nobody changes a fit by hand."""
    if action == VIEW and may_see_business_figures(user):
        return queryset
    return queryset.none()


def prediction_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """A customer's prediction is seen by whoever may see the customer."""
    from daifuku.customers.models import Company, Person

    if action != VIEW:
        return queryset.none()
    people = restrict(Person.objects.all(), user, action).values("pk")
    companies = restrict(Company.objects.all(), user, action).values("pk")
    return queryset.filter(Q(person__in=people) | Q(company__in=companies))
