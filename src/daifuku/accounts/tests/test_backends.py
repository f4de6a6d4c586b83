"""The signed-in user is found again on each page by accounts.backends.UserBackend."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from daifuku.accounts.backends import UserBackend

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_is_found_on_each_page_with_one_query(rep, django_assert_num_queries):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "rep", "password": "pw-for-tests-only"})
    assert client.session["_auth_user_backend"] == "daifuku.accounts.backends.UserBackend"
    with django_assert_num_queries(1):
        user = UserBackend().get_user(client.session[SESSION_KEY])
    assert user == rep and user.team_id == rep.team_id and user.display_name == "営業 一郎"
    assert client.get(reverse("web:home")).status_code == 200


def test_a_deactivated_user_is_signed_out(rep):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "rep", "password": "pw-for-tests-only"})
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert client.get(reverse("web:home")).status_code == 302


@pytest.mark.parametrize("user_id", ["not-a-number", None, "999999"])
def test_a_session_naming_no_user_finds_none(user_id):
    assert UserBackend().get_user(user_id) is None
