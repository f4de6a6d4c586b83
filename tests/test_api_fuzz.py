"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis):
for every operation, generated requests — valid and invalid — as a logged-in admin over a
small world of records. No answer may be a server error, and every status must be one the
document lists for that operation. Bounded: ``DAIFUKU_FUZZ_EXAMPLES`` examples per
operation (default 3: about two and a half minutes per database here)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance
from tests.api_world import build_world

EXAMPLES = int(os.environ.get("DAIFUKU_FUZZ_EXAMPLES", "3"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def token(db, admin, rep):
    """The admin's token over the small world. The requests go straight to the WSGI
    application, which closes the database connection after each one — inside the test's
    transaction on PostgreSQL; Django's own test client disconnects that the same way."""
    from django.core import signals
    from django.db import close_old_connections

    from daifuku.accounts.services import create_api_token

    build_world(rep)
    secret = create_api_token(actor=admin, user=admin, name="fuzz")[1]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield secret
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_and_answers_only_documented_statuses(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code != 401, "the fuzzing token must be accepted, or nothing is tested"
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
