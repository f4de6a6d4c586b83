"""Token-authenticated API calls skip the browser's session, session user and messages
(core.middleware); browsers keep all of it, and a bad token never falls back to a cookie."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_token_call_sets_no_cookie_and_sees_only_the_token_user(rep_api):
    response = rep_api.get("/api/v1/me")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "rep"
    assert not response.cookies  # no session, no CSRF cookie
    assert not hasattr(response.wsgi_request, "session")  # the session layer was skipped


def test_a_bad_token_is_401_even_beside_a_valid_session(client, admin, rep):
    client.force_login(admin)
    assert client.get("/api/v1/me").json()["username"] == "admin"  # the browser's own session
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer dfk_not-a-real-token")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_browser_pages_keep_sessions_and_csrf(rep):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rep)
    page = browser.get("/")
    assert page.status_code == 200 and page.wsgi_request.user == rep
    # a form post without its CSRF token is still refused
    assert browser.post("/accounts/logout/").status_code == 403


def test_a_bearer_header_outside_the_api_changes_nothing(client, rep):
    client.force_login(rep)
    page = client.get("/", HTTP_AUTHORIZATION="Bearer dfk_whatever")
    assert page.status_code == 200 and page.wsgi_request.user == rep
