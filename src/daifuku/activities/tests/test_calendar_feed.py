"""Turning the calendar feed on, to a new address and off — through the API and the
account page."""

from __future__ import annotations

from daifuku.accounts.models import User


def _feed_path(url: str) -> str:
    return url.split("testserver", 1)[-1]


def test_the_api_turns_the_feed_on_rotates_and_turns_it_off(api_client, client, rep):
    User.objects.filter(pk=rep.pk).update(calendar_secret="")  # a user without a feed
    api = api_client(rep)
    assert api.get("/api/v1/me").json()["calendar_url"] is None
    on = api.post("/api/v1/me/calendar-feed")
    assert on.status_code == 200
    first = on.json()["calendar_url"]
    assert first.startswith("http://testserver/activities/calendar/") and first.endswith(".ics")
    assert api.get("/api/v1/me").json()["calendar_url"] == first
    assert client.get(_feed_path(first)).status_code == 200
    second = api.post("/api/v1/me/calendar-feed").json()["calendar_url"]
    assert second != first
    assert client.get(_feed_path(first)).status_code == 404  # old subscriptions are revoked
    assert client.get(_feed_path(second)).status_code == 200
    off = api.delete("/api/v1/me/calendar-feed")
    assert off.status_code == 204
    assert api.get("/api/v1/me").json()["calendar_url"] is None
    assert client.get(_feed_path(second)).status_code == 404
    assert api.delete("/api/v1/me/calendar-feed").status_code == 204  # already off: nothing to do
    assert (
        api_client(rep).client.post("/api/v1/me/calendar-feed").status_code == 401
    )  # no token, no feed


def test_the_account_page_has_the_button(client, rep):
    User.objects.filter(pk=rep.pk).update(calendar_secret="")
    client.force_login(rep)
    page = client.get("/accounts/me/").content.decode()
    assert 'id="calendar-enable"' in page and "カレンダー連携をオンにする" in page
    response = client.post("/activities/calendar/rotate/", {"next": "/accounts/me/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    rep.refresh_from_db()
    page = client.get("/accounts/me/").content.decode()
    assert (
        f"/activities/calendar/{rep.calendar_secret}.ics" in page
        and 'id="calendar-disable"' in page
    )
    client.post("/activities/calendar/disable/", {"next": "/accounts/me/"})
    rep.refresh_from_db()
    assert rep.calendar_secret == ""
    assert 'id="calendar-enable"' in client.get("/activities/").content.decode()
