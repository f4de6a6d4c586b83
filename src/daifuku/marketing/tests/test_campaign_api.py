"""``/api/v1/campaigns``: the contract (create with merge fields, send, stats), the codes
integrators branch on (422 campaign_blocked with problems, 409 when started, 422 on bad
input), and who may send."""
# ruff: noqa: F811  (the imported fixtures are requested by name)

from __future__ import annotations

import pytest

from daifuku.marketing.mailing import hooks

from .campaign_world import delivery_job, mail_world, marketer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def marketer_api(api_client, marketer):
    return api_client(marketer)


def _create(client, segment, **extra):
    body = {
        "name": "秋の新作", "segment_id": segment.pk,
        "subject": "{{ display_name }}、{{ rank }}会員の方へ",
        "html": "<p>{{ family_name }} {{ given_name }}</p>", "text": "{{ display_name }}",
        **extra,
    }  # fmt: skip
    return client.post("/api/v1/campaigns", body)


def test_create_send_and_stats(marketer_api, mail_world, delivery_job):
    from daifuku.marketing.models import Delivery, MailEvent

    created = _create(marketer_api, mail_world["segment"], topic_id=mail_world["topic"].pk)
    assert created.status_code == 201, created.json()
    campaign = created.json()
    assert campaign["status"] == "draft" and campaign["is_advertising"] is True
    assert marketer_api.get(f"/api/v1/campaigns/{campaign['id']}").json()["name"] == "秋の新作"
    assert [c["id"] for c in marketer_api.get("/api/v1/campaigns").json()["items"]] == [
        campaign["id"]
    ]
    sent = marketer_api.post(f"/api/v1/campaigns/{campaign['id']}/send")
    assert sent.status_code == 202, sent.json()
    assert sent.json()["status"] == "sending" and delivery_job == [campaign["id"]]
    again = marketer_api.post(f"/api/v1/campaigns/{campaign['id']}/send")
    assert again.status_code == 409 and again.json()["code"] == "campaign_already_started"
    # as the engine and the tracking would leave them
    rows = list(Delivery.objects.filter(campaign_id=campaign["id"]).order_by("email"))
    Delivery.objects.filter(pk=rows[0].pk).update(status="sent")
    Delivery.objects.filter(pk=rows[1].pk).update(status="bounced")
    Delivery.objects.filter(pk=rows[2].pk).update(status="unknown")
    from django.utils import timezone

    Delivery.objects.filter(pk=rows[0].pk).update(opened_at=timezone.now(),
                                                  clicked_at=timezone.now())  # fmt: skip
    for kind, revenue in (("open", None), ("click", None), ("conversion", 5500),
                          ("unsubscribe", None)):  # fmt: skip
        MailEvent.objects.create(delivery=rows[0], campaign_id=campaign["id"],
                                 person_id=rows[0].person_id, kind=kind, revenue=revenue)  # fmt: skip
    stats = marketer_api.get(f"/api/v1/campaigns/{campaign['id']}/stats").json()
    expected = {
        "sent": 2, "delivered": 1, "bounced": 1, "opened": 1, "clicked": 1, "unsubscribed": 1,
        "complained": 0, "conversions": 1, "revenue": 5500, "unknown": 1, "pending": 0,
        "skipped_no_consent": 2, "skipped_opted_out": 1, "skipped_suppressed": 1,
        "skipped_no_address": 1, "skipped_topic_refused": 1, "skipped_duplicate": 1,
    }  # fmt: skip
    assert {k: stats[k] for k in expected} == expected
    # rates are of the delivered mails (sent − bounced), as tracking defines them
    assert stats["open_rate"] == 1.0 and stats["variants"] == []


def test_blocked_send_answers_422_with_problems(marketer_api, mail_world, delivery_job):
    def check(campaign):
        return [hooks.Problem("missing_sender_name", "送信者の氏名または名称がありません",
                              field="sender_name")]  # fmt: skip

    campaign = _create(marketer_api, mail_world["segment"]).json()
    hooks.register_preflight_check(check)
    try:
        response = marketer_api.post(f"/api/v1/campaigns/{campaign['id']}/send")
    finally:
        hooks._preflight[:] = [pair for pair in hooks._preflight if pair[1] is not check]
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "campaign_blocked"
    assert body["problems"] == [{"code": "missing_sender_name", "blocks": True,
                                 "message": "送信者の氏名または名称がありません",
                                 "field": "sender_name"}]  # fmt: skip
    assert delivery_job == []


def test_bad_input_is_422_with_fields(marketer_api, mail_world):
    response = marketer_api.post("/api/v1/campaigns", {"name": "", "segment_id": 999999})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"name", "segment_id"} <= set(errors)
    response = _create(marketer_api, mail_world["segment"], send_at="2001-01-01T00:00:00+09:00")
    assert response.status_code == 422 and "send_at" in response.json()["errors"]
    response = _create(marketer_api, mail_world["segment"], colour="red")
    assert response.status_code == 422 and "colour" in response.json()["errors"]
    response = _create(marketer_api, mail_world["segment"], variants=["A", "B"], ab_share=500)
    assert response.status_code == 422 and "ab_share" in response.json()["errors"]


def test_ab_campaign_and_variant_stats(marketer_api, mail_world, delivery_job):
    created = _create(marketer_api, mail_world["segment"], variants=["件名A", "件名B"],
                      ab_share=100, ab_metric="click")  # fmt: skip
    assert created.status_code == 201, created.json()
    campaign = created.json()
    assert [v["label"] for v in campaign["variants"]] == ["A", "B"]
    marketer_api.post(f"/api/v1/campaigns/{campaign['id']}/send")
    stats = marketer_api.get(f"/api/v1/campaigns/{campaign['id']}/stats").json()
    assert [v["label"] for v in stats["variants"]] == ["A", "B"]
    assert sum(v["pending"] for v in stats["variants"]) == stats["pending"] == 4


def test_reps_see_but_may_not_send(api_client, rep, marketer_api, mail_world, delivery_job):
    campaign = _create(marketer_api, mail_world["segment"]).json()
    rep_api = api_client(rep)
    assert rep_api.get(f"/api/v1/campaigns/{campaign['id']}").status_code == 200
    assert rep_api.post(f"/api/v1/campaigns/{campaign['id']}/send").status_code == 404
    own = _create(rep_api, mail_world["segment"], name="担当のお客様へ").json()
    refused = rep_api.post(f"/api/v1/campaigns/{own['id']}/send")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert rep_api.get("/api/v1/campaigns/999999").status_code == 404
    assert delivery_job == []


def test_schedule_update_and_cancel(marketer_api, mail_world):
    campaign = _create(marketer_api, mail_world["segment"],
                       send_at="2099-01-01T09:00:00+09:00").json()  # fmt: skip
    assert campaign["status"] == "scheduled"
    changed = marketer_api.client.put(
        f"/api/v1/campaigns/{campaign['id']}",
        {"name": "改名", "segment_id": mail_world["segment"].pk, "send_at": None},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {marketer_api.token}",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["status"] == "draft" and changed.json()["name"] == "改名"
    cancelled = marketer_api.post(f"/api/v1/campaigns/{campaign['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    again = marketer_api.post(f"/api/v1/campaigns/{campaign['id']}/send")
    assert again.status_code == 409
