"""``daifuku demo`` and the demo-data registry other domains plug into."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from daifuku.core import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_registry():
    saved = dict(demo._hooks)
    demo._hooks.clear()
    yield
    demo._hooks.clear()
    demo._hooks.update(saved)


def test_run_all_calls_hooks_in_order_and_isolates_failures(clean_registry, admin):
    from daifuku.accounts.models import Team

    calls = []

    def first(context):
        calls.append(("first", len(context.person_ids)))
        return "one thing"

    def broken(context):
        Team.objects.create(name="半端なチーム")  # rolled back with the failing hook
        raise RuntimeError("boom")

    def last(context):
        calls.append(("last", context.users["admin"].username))

    demo.register("a.first", first)
    demo.register("b.broken", broken)
    demo.register("c.last", last)
    assert demo.registered() == ["a.first", "b.broken", "c.last"]
    results = demo.run_all(demo.DemoContext(users={"admin": admin}, person_ids=[1, 2, 3]))
    assert calls == [("first", 3), ("last", "admin")]
    assert [(r.name, r.ok) for r in results] == [
        ("a.first", True),
        ("b.broken", False),
        ("c.last", True),
    ]
    assert results[0].summary == "one thing" and "boom" in results[1].summary
    assert not Team.objects.filter(name="半端なチーム").exists()
    demo.unregister("b.broken")
    assert demo.registered() == ["a.first", "c.last"]


def test_demo_loads_users_and_customers_once_and_prints_how_to_log_in(clean_registry, capsys):
    from daifuku.accounts.models import User
    from daifuku.customers.models import Company, Contact, HouseholdMember, Person

    seen = []
    demo.register("test.hook", lambda context: seen.append(len(context.person_ids)) or "hooked")
    call_command("demo", people=40, companies=6)
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out and "daifuku-demo" in out
    for username in ("admin", "manager", "rep1", "rep2"):
        assert username in out
    assert "test.hook: ok — hooked" in out
    assert seen == [40]

    users = {u.username: u for u in User.objects.select_related("team")}
    assert set(users) == {"admin", "manager", "rep1", "rep2"}
    assert users["admin"].is_admin and users["manager"].role == "manager"
    assert users["rep1"].team.name == "東京営業" and users["rep2"].team.name == "大阪営業"
    assert Person.objects.count() == 40 and Company.objects.count() == 6
    assert HouseholdMember.objects.exists() and Contact.objects.exists()
    assert set(Person.objects.values_list("owner__username", flat=True)) == {"rep1", "rep2"}
    assert users["rep1"].check_password("daifuku-demo")

    call_command("demo", people=40, companies=6)
    again = capsys.readouterr().out
    assert "already loaded" in again and "daifuku-demo" in again
    assert Person.objects.count() == 40 and User.objects.count() == 4
    assert seen == [40]


def test_demo_leaves_a_database_with_real_users_alone(clean_registry, admin, capsys):
    from daifuku.customers.models import Person

    call_command("demo", people=10, companies=1)
    assert "already has users" in capsys.readouterr().out
    assert not Person.objects.exists()
