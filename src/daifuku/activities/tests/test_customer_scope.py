"""The customer shortcut of the touch and next-action policies gives exactly the rows the
full policy gives, for every role, customer and kind of row; the 360° page reads a
customer's touches once for its timeline and its top panel."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from daifuku.accounts.permissions import VIEW, restrict, restrict_to_customer
from daifuku.activities import selectors
from daifuku.activities.models import NextAction, Touch
from daifuku.activities.services import create_next_action, log_touch
from daifuku.customers.services import create_person


@pytest.fixture
def world(make_user, teams, rep, teammate, other_rep, manager, admin, customers_of_every_scope):
    """Customers of Tokyo, of Osaka and of a rep without a team, each with touches and
    next actions by reps of both teams, private and not."""
    loner, customers = customers_of_every_scope
    marketer = make_user("marketer", "marketer", teams["osaka"])
    due = timezone.now() + dt.timedelta(days=2)
    for customer, author, private in itertools.product(
        customers, (rep, teammate, other_rep, loner), (False, True)
    ):
        field = "person" if hasattr(customer, "family_name") else "company"
        log_touch(
            actor=author,
            data={"summary": "商談", "kind": "call", "is_private": private},
            **{field: customer},
        )
        if not private:
            create_next_action(
                actor=author, data={"title": "電話", "due_at": due}, **{field: customer}
            )
    users = [rep, teammate, other_rep, manager, admin, loner, marketer]
    return users, customers


def test_the_customer_shortcut_gives_the_policys_rows(world):
    users, customers = world
    for user, customer, model in itertools.product(users, customers, (Touch, NextAction)):
        field = "person" if hasattr(customer, "family_name") else "company"
        full = set(
            restrict(model.objects.filter(**{field: customer}), user, VIEW).values_list(
                "pk", flat=True
            )
        )
        short = set(
            restrict_to_customer(model.objects.all(), user, customer, field=field).values_list(
                "pk", flat=True
            )
        )
        assert short == full, (user.username, str(customer), model.__name__)
        assert full, (
            "every combination sees at least the user's own or public rows"
        )  # the test can fail


def test_private_touches_stay_private_on_a_customer_the_user_looks_after(world, rep, teammate):
    _, customers = world
    tokyo = customers[0]
    seen = selectors.customer_touches(teammate, tokyo, limit=100)
    assert all(not t.is_private or t.rep_id == teammate.pk for t in seen)
    assert any(t.is_private for t in selectors.customer_touches(rep, tokyo, limit=100))


def test_the_top_panel_reuses_the_timelines_touches(rep, person_owned, django_assert_num_queries):
    for n in range(4):
        log_touch(actor=rep, data={"summary": f"訪問{n}", "kind": "visit"}, person=person_owned)
    timeline = selectors.customer_touches(rep, person_owned, limit=30)  # touches + attachments
    with django_assert_num_queries(0):
        recent = selectors.recent_touches(rep, person=person_owned, limit=3)
    assert [t.pk for t in recent] == [t.pk for t in timeline[:3]]


def test_a_longer_ask_than_the_held_one_reads_again(rep, person_owned, django_assert_num_queries):
    for n in range(5):
        log_touch(actor=rep, data={"summary": f"訪問{n}", "kind": "visit"}, person=person_owned)
    assert len(selectors.recent_touches(rep, person=person_owned, limit=3)) == 3
    with django_assert_num_queries(2):  # touches, attachments
        assert len(selectors.customer_touches(rep, person_owned, limit=30)) == 5


@pytest.fixture
def person_owned(rep):
    return create_person(actor=rep, data={"family_name": "山田", "given_name": "太郎"})
