"""Orders follow the ledger's rules, and the 360° page's shortcut
(``restrict_to_customer``) returns exactly what ``restrict`` would, for every role."""

from __future__ import annotations

import datetime as dt

from daifuku.accounts.permissions import CHANGE, VIEW, restrict, restrict_to_customer
from daifuku.commerce.models import Order
from daifuku.commerce.services import record_order


def test_shortcut_equals_restrict_for_every_role_and_customer(
    admin, manager, rep, teammate, other_rep, customers_of_every_scope
):
    loner, customers = customers_of_every_scope
    for index, customer in enumerate(customers):
        field = "person" if customer._meta.model_name == "person" else "company"
        record_order(
            actor="test",
            number=f"N-{index}",
            ordered_at=dt.date(2026, 11, 3),
            total=1_100,
            **{field: customer},
        )
    for user in (admin, manager, rep, teammate, other_rep, loner):
        for customer in customers:
            field = "person" if customer._meta.model_name == "person" else "company"
            for action in (VIEW, CHANGE):
                full = set(
                    restrict(Order.objects.filter(**{field: customer}), user, action).values_list(
                        "pk", flat=True
                    )
                )
                short = set(
                    restrict_to_customer(
                        Order.objects.all(), user, customer, field=field, action=action
                    ).values_list("pk", flat=True)
                )
                assert short == full, (user.username, str(customer), action)
                # the ledger: everyone reads every customer's orders; changes follow the customer's
                assert (len(full) == 1) == (
                    action == VIEW
                    or user in (admin, manager)
                    or customer.owner_id == user.pk
                    or (user.team_id is not None and customer.team_id == user.team_id)
                )
