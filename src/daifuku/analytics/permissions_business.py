"""Who may read the business-level figures (registered in AnalyticsConfig.ready()).

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
from daifuku.core.errors import PermissionDenied

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
    from daifuku.accounts.permissions import VIEW

    if action == VIEW and may_see_business_figures(user):
        return queryset
    return queryset.none()


def prediction_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """A customer's prediction is seen by whoever may see the customer."""
    from daifuku.accounts.permissions import VIEW, restrict
    from daifuku.customers.models import Company, Person

    if action != VIEW:
        return queryset.none()
    people = restrict(Person.objects.all(), user, action).values("pk")
    companies = restrict(Company.objects.all(), user, action).values("pk")
    return queryset.filter(Q(person__in=people) | Q(company__in=companies))
