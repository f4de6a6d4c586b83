"""The customer's history and timeline read the audit of touches, files and next actions
as business sentences in Japanese, and only for whom may read the thing described."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from daifuku.activities import services
from daifuku.activities.models import Touch

from .conftest import image_bytes

VISIT = {
    "kind": "visit",
    "summary": "新商品のご説明",
    "occurred_at": "2026-12-07T12:05:00+09:00",
    "mood": "warm",
    "follow_up": True,
}
RAW = ("2026-12-07T", "subject", "size", "create", "update", "attach", "visit", "None", "→ —", "#")


def pages(client, person) -> dict[str, str]:
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    return {
        "history": client.get(f"/customers/people/{person.pk}/history/").content.decode(),
        "360": client.get(f"/customers/people/{person.pk}/").content.decode(),
        "timeline": client.get(
            f"/customers/people/{person.pk}/timeline/", {"before": later}
        ).content.decode(),
    }


def _audit_part(html: str) -> str:
    """The history table or the timeline list of a page (not the touch cards or the menu)."""
    import re

    parts = re.findall(r'<table class="list" id="history">.*?</table>', html, re.S)
    parts += [chunk for chunk in html.split('<li data-kind="')[1:] if chunk.startswith('audit"')]
    return "\n".join(parts)


def test_a_visit_with_a_photo_reads_as_business_sentences(client, rep, person):
    photo = SimpleUploadedFile("店頭.jpg", image_bytes("JPEG"))
    services.quick_entry(
        actor=rep,
        person=person,
        touch_data=VISIT,
        files=[photo],
        next_action_data={
            "title": "見積書を届ける",
            "due_at": "2026-12-14T14:00:00+09:00",
            "priority": "high",
        },
    )
    touch = Touch.objects.get()
    services.update_touch(
        actor=rep,
        touch=touch,
        data={
            "summary": "新商品と保守のご説明",
            "mood": "hot",
            "follow_up": False,
            "occurred_at": "2026-12-07T13:05:00+09:00",
        },
    )
    client.force_login(rep)
    for name, html in pages(client, person).items():
        audit = _audit_part(html)
        assert "訪問を記録しました（写真 1 枚）" in audit, name
        assert "訪問の記録を変更しました" in audit, name
        assert "日時: 2026年12月7日 12:05 → 2026年12月7日 13:05" in audit, name
        assert "温度感: やや高い → 高い" in audit and "要フォロー: はい → いいえ" in audit, name
        assert "要件を変更しました" in audit, name
        assert "新商品と保守のご説明" not in audit, name  # the text stays on the touch
        assert "次のアクションを予定しました" in audit, name
        assert "期日: 2026年12月14日 14:00" in audit and "優先度: 高" in audit, name
        for raw in RAW:
            assert raw not in audit, (name, raw)
        assert str(len(photo)) not in audit and "店頭.jpg" not in audit, name


def test_a_file_added_later_and_a_completed_action_read_as_sentences(client, rep, person, log):
    touch = log(kind="call")
    services.add_attachment(
        actor=rep, touch=touch, upload=SimpleUploadedFile("見積.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    action = services.create_next_action(
        actor=rep, person=person, data={"title": "再訪", "due_at": timezone.now()}
    )
    services.complete_next_action(actor=rep, action=action)
    client.force_login(rep)
    audit = _audit_part(pages(client, person)["history"])
    assert "電話を記録しました" in audit
    assert "次のアクションを完了しました" in audit
    assert "attach" not in audit and "size" not in audit


def test_generic_rows_hide_internal_fields_and_show_money_dates_and_flags(rep, person):
    from django.utils import translation

    from daifuku.core import audit
    from daifuku.core.audit_display import readable_entries
    from daifuku.core.models import AuditEntry

    audit.record(
        actor=rep,
        action="update",
        obj=person,
        changes={
            "version": [1, 2],
            "birthday": [None, "1980-04-01"],
            "updated_at": ["2026-12-07T03:05:00+00:00", None],
            "sort_kana": ["a", "b"],
            "owner": [None, rep.pk],
            "id": [None, person.pk],
        },
    )
    audit.record(
        actor=rep,
        action="update",
        object_type="sales.deal",
        object_id=1,
        object_repr="更新案件",
        subject=person,
        changes={"amount": [100000, 1250000], "version": [3, 4]},
    )
    with translation.override("ja"):
        rows = readable_entries(AuditEntry.objects.filter(action="update").order_by("id"), user=rep)
        lines = [[c.text for c in row.changes] for row in rows]
        sentences = [row.sentence for row in rows]
    assert sentences[0] == "変更しました"
    assert sorted(lines[0]) == sorted(
        ["生年月日: — → 1980年4月1日", "更新日時: 2026年12月7日 12:05 → —", "担当者: — → 営業 一郎"]
    )
    assert lines[1] == ["金額（円）: ¥100,000 → ¥1,250,000"]
    assert sentences[1] == "商談を変更しました: 更新案件"


@pytest.fixture
def secrets(rep, person):
    """A private visit with a photo and a next action of the Tokyo team."""
    touch = services.log_touch(
        actor=rep, person=person, data={**VISIT, "is_private": True, "summary": "内密"}
    )
    services.add_attachment(
        actor=rep, touch=touch, upload=SimpleUploadedFile("秘密の見積.jpg", image_bytes("JPEG"))
    )
    services.create_next_action(
        actor=rep,
        person=person,
        data={
            "title": "値下げ交渉の準備",
            "notes": "上限は一割",
            "due_at": "2026-12-24T10:00:00+09:00",
        },
    )
    services.log_touch(
        actor=rep, person=person, data={**VISIT, "summary": "公開の訪問", "kind": "call"}
    )
    return touch


def _everything_seen(client, api_client, user, person) -> str:
    client.force_login(user)
    seen = "\n".join(pages(client, person).values())
    response = api_client(user).get(f"/api/v1/people/{person.pk}/history")
    assert response.status_code == 200
    return seen + json.dumps(response.json(), ensure_ascii=False)


def test_another_teams_rep_sees_no_trace_of_the_teams_touches_and_actions(
    client, api_client, secrets, person, other_rep
):
    seen = _everything_seen(client, api_client, other_rep, person)
    assert "山田" in seen  # the customer itself is shared
    for hidden in (
        "値下げ交渉の準備",
        "上限は一割",
        "2026年12月24日",
        "2026-12-24",
        "秘密の見積",
        "次のアクションを予定しました",
        "activities.nextaction",
        "activities.touch",
        "訪問を記録しました",
        "電話を記録しました",
    ):
        assert hidden not in seen, hidden


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_see_actions_but_no_trace_of_a_private_note(
    client, api_client, secrets, person, role, request
):
    user = request.getfixturevalue(role)
    seen = _everything_seen(client, api_client, user, person)
    assert (
        "値下げ交渉の準備" in seen and "2026年12月24日 10:00" in seen
    )  # the action is theirs to read
    assert "電話を記録しました" in seen  # the public touch
    for hidden in (
        "秘密の見積",
        "訪問を記録しました",
        "activities.touchattachment",
        f'"object_type": "activities.touch", "object_id": {secrets.pk},',
    ):
        assert hidden not in seen, hidden


def test_the_author_sees_the_private_note_in_the_history(client, api_client, secrets, person, rep):
    seen = _everything_seen(client, api_client, rep, person)
    assert (
        "訪問を記録しました（写真 1 枚）" in seen and "秘密の見積" in seen
    )  # the API names the file


def test_a_deleted_private_touch_leaves_no_trace_for_others(
    client, api_client, secrets, person, rep, admin
):
    services.delete_touch(actor=rep, touch=secrets)
    seen = _everything_seen(client, api_client, admin, person)
    assert "秘密の見積" not in seen and "訪問の記録を削除しました" not in seen
    assert "訪問の記録を削除しました" in _everything_seen(client, api_client, rep, person)


def test_a_consent_reads_as_a_sentence_with_its_channel(rep, person):
    from django.utils import translation

    from daifuku.core.audit_display import readable_entries
    from daifuku.core.models import AuditEntry
    from daifuku.customers.services import record_consent

    record_consent(
        actor=rep,
        person=person,
        channel="email",
        status="opted_in",
        method="form",
        evidence="申込書",
    )
    with translation.override("ja"):
        row = readable_entries(AuditEntry.objects.filter(action="consent"), user=rep)[0]
        lines = [c.text for c in row.changes]
    assert row.sentence == "同意を記録しました: メール: オプトイン（同意）"
    assert sorted(lines) == sorted(
        [
            "チャネル: メール",
            "状態: — → オプトイン（同意）",
            "取得方法: — → Webフォーム",
            "根拠: — → 申込書",
        ]
    )
