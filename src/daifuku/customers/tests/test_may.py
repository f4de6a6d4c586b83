"""``may`` (a page deciding which buttons to show from the row it has read) agrees with
``can`` (the query a service guards its write with) for every role, owner and action."""

from __future__ import annotations

import itertools

from daifuku.accounts.permissions import CHANGE, DELETE, VIEW, can, may
from daifuku.customers.services import create_person, delete_person


def test_may_agrees_with_can_for_people_and_companies(
    make_user, teams, rep, teammate, other_rep, manager, admin, customers_of_every_scope
):
    loner, customers = customers_of_every_scope
    support = make_user("support", "support", teams["osaka"])
    trashed = create_person(actor=rep, data={"family_name": "削除", "given_name": "四"})
    delete_person(actor=rep, person=trashed)
    trashed.refresh_from_db()
    customers.append(trashed)
    allowed = 0
    for user, customer, action in itertools.product(
        [rep, teammate, other_rep, manager, admin, loner, support],
        customers,
        (VIEW, CHANGE, DELETE),
    ):
        expected = can(user, action, customer)
        assert may(user, action, customer) == expected, (user.username, str(customer), action)
        allowed += expected
    assert (
        0 < allowed < 7 * len(customers) * 3
    )  # some allowed, some refused: the comparison means something


def test_an_inactive_user_may_nothing(rep):
    person = create_person(actor=rep, data={"family_name": "東京", "given_name": "一"})
    rep.is_active = False
    assert not may(rep, VIEW, person) and not can(rep, VIEW, person)
