"""The login throttle (django-axes: a username locked from an address after the failure
limit) behind the recommended TLS proxy, and on the password change page."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rep")]

PASSWORD = "pw-for-tests-only"
LOCKED = (403, 429)


def _log_in(password: str, remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(
        reverse("accounts:login"), {"username": "rep", "password": password}, **headers
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_two_clients_behind_the_proxy_are_throttled_separately():
    for _ in range(3):
        _log_in("wrong", "127.0.0.1", "203.0.113.5")
    assert _log_in(PASSWORD, "127.0.0.1", "203.0.113.5").status_code in LOCKED
    # the same user from another client through the same proxy is not locked
    assert _log_in(PASSWORD, "127.0.0.1", "203.0.113.6").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_forwarded_header_from_an_untrusted_peer_is_ignored():
    for n in range(3):  # a new "client" in the header each time: the peer is what counts
        _log_in("wrong", "198.51.100.7", f"203.0.113.{n}")
    assert _log_in(PASSWORD, "198.51.100.7", "203.0.113.99").status_code in LOCKED
    assert _log_in(PASSWORD, "198.51.100.8").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_what_a_client_writes_left_of_the_proxy_hop_does_not_reset_its_count():
    for n in range(3):
        _log_in("wrong", "127.0.0.1", f"10.9.9.{n}, 203.0.113.5")
    assert _log_in(PASSWORD, "127.0.0.1", "10.9.9.77, 203.0.113.5").status_code in LOCKED


@override_settings(AXES_FAILURE_LIMIT=3, DAIFUKU_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_chain_of_trusted_proxies_is_walked_to_the_client():
    for _ in range(3):
        _log_in("wrong", "10.0.0.2", "203.0.113.5, 10.1.1.1")
    assert _log_in(PASSWORD, "10.0.0.2", "203.0.113.5, 10.1.1.1").status_code in LOCKED
    assert _log_in(PASSWORD, "10.0.0.2", "203.0.113.6, 10.1.1.1").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_old_password_of_the_password_change_is_throttled_like_the_login(rep):
    client = Client(REMOTE_ADDR="192.0.2.10")
    client.force_login(rep)
    url = reverse("accounts:password-change")
    new = {
        "new_password1": "a much better passphrase 2026",
        "new_password2": "a much better passphrase 2026",
    }
    first = client.post(url, {"old_password": "wrong 1", **new})
    assert first.status_code == 200 and "old_password" in first.context["form"].errors
    client.post(url, {"old_password": "wrong 2", **new})
    assert client.post(url, {"old_password": "wrong 3", **new}).status_code in LOCKED
    # locked: the right old password does not change it either
    assert client.post(url, {"old_password": PASSWORD, **new}).status_code in LOCKED
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)
    # and the login of that user from that address is locked too
    assert _log_in(PASSWORD, "192.0.2.10").status_code in LOCKED


def test_a_new_password_the_validators_refuse_is_no_failed_guess(rep):
    client = Client(REMOTE_ADDR="192.0.2.11")
    client.force_login(rep)
    url = reverse("accounts:password-change")
    for _ in range(8):
        response = client.post(
            url, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
        )
        assert response.status_code == 200
    assert (
        client.post(
            url,
            {
                "old_password": PASSWORD,
                "new_password1": "a much better passphrase 2026",
                "new_password2": "a much better passphrase 2026",
            },
        ).status_code
        == 302
    )
