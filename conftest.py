"""Fixtures every test can use: users in each role and team, and API clients.

Policy for optional system parts: a test that needs Debian's chromium or a PostgreSQL
server skips with the reason when it is missing — except under CI (``CI=true``), where
the same situation fails, so coverage cannot silently vanish."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required here)")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres_only`` skip, with the reason, when the suite runs on SQLite
    (`make test` deselects them there and its PostgreSQL pass runs them; a plain `pytest`
    would otherwise fail them on SQL that SQLite does not have)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DAIFUKU_DATABASE_URL=postgres://… (make test-postgres)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def teams(db):
    from daifuku.accounts.services import create_team

    return {"tokyo": create_team(actor="test", name="東京営業"), "osaka": create_team(actor="test", name="大阪営業")}


@pytest.fixture
def make_user(db):
    from daifuku.accounts.services import create_user

    def make(username: str, role: str = "rep", team=None, **extra):
        return create_user(actor="test", username=username, password="pw-for-tests-only", role=role,
                           team=team, check_password=False, **extra)

    return make


@pytest.fixture
def admin(make_user):
    return make_user("admin", "admin")


@pytest.fixture
def manager(make_user, teams):
    return make_user("manager", "manager", teams["tokyo"])


@pytest.fixture
def rep(make_user, teams):
    return make_user("rep", "rep", teams["tokyo"], display_name="営業 一郎")


@pytest.fixture
def teammate(make_user, teams):
    return make_user("teammate", "rep", teams["tokyo"])


@pytest.fixture
def other_rep(make_user, teams):
    return make_user("other", "rep", teams["osaka"])


@pytest.fixture
def customers_of_every_scope(make_user, rep, other_rep):
    """A rep without a team, and customers owned by Tokyo (``rep``), by Osaka and by that
    rep: permission tests compare their rules over all of them."""
    from daifuku.customers.services import create_company, create_person

    loner = make_user("loner", "rep", None)
    return loner, [
        create_person(actor=rep, data={"family_name": "東京", "given_name": "一"}),
        create_person(actor=other_rep, data={"family_name": "大阪", "given_name": "二"}),
        create_person(actor=loner, data={"family_name": "無所属", "given_name": "三"}),
        create_company(actor=rep, data={"name": "東京商事"}),
        create_company(actor=other_rep, data={"name": "大阪商事"}),
    ]


class ApiClient:
    """A Django test client that sends a bearer token and JSON bodies."""

    def __init__(self, user):
        from django.test import Client

        from daifuku.accounts.services import create_api_token

        self.user = user
        self.token = create_api_token(actor=user, user=user, name="tests")[1]
        self.client = Client()

    def _headers(self, extra):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **(extra or {})}

    def get(self, path, data=None, **extra):
        return self.client.get(path, data, **self._headers(extra))

    def post(self, path, data=None, **extra):
        return self.client.post(path, data, content_type="application/json", **self._headers(extra))

    def patch(self, path, data=None, **extra):
        return self.client.patch(path, data, content_type="application/json", **self._headers(extra))

    def delete(self, path, **extra):
        return self.client.delete(path, **self._headers(extra))

    def upload(self, path, files: dict, data=None, **extra):
        return self.client.post(path, {**(data or {}), **files}, **self._headers(extra))


@pytest.fixture
def api_client():
    return ApiClient


@pytest.fixture
def rep_api(rep):
    return ApiClient(rep)


@pytest.fixture
def admin_api(admin):
    return ApiClient(admin)


@pytest.fixture(autouse=True)
def registries_restored():
    """Every test starts from the registries the apps filled in ``ready()`` and leaves them
    so: event handlers and declarations, timeline sources and panels a test registers are
    gone after it. Under the tests an event must be declared and carry its declared payload
    (``core.events.STRICT``: a misspelt name would be a reaction that silently never runs)."""
    from daifuku.core import events, panels, timeline

    after_commit = {name: list(handlers) for name, handlers in events._after_commit.items()}
    in_transaction = {name: list(handlers) for name, handlers in events._in_transaction.items()}
    catalogue, sources, slots = dict(events.CATALOGUE), dict(timeline._sources), list(panels._panels)
    events.STRICT = True
    yield
    for registry, saved in ((events._after_commit, after_commit), (events._in_transaction, in_transaction),
                            (events.CATALOGUE, catalogue), (timeline._sources, sources)):
        registry.clear()
        registry.update(saved)
    panels._panels[:] = slots
