"""Every activities page reads in Japanese: no English left, no raw enum values."""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from daifuku.activities import services
from daifuku.activities.models import TouchKind

from .conftest import image_bytes

# Words that are Japanese business usage or names, not leftovers.
ALLOWED = {
    "LINE",
    "NPS",  # ネット・プロモーター・スコア, written so in Japanese business (analytics' panel)
    "API",
    "ID",
    "URL",
    "Daifuku",
    "English",
    "Google",
    "Outlook",
    "Markdown",
    "PDF",
    "JPEG",
    "PNG",
    "manager",
    "rep",
    "teammate",
    "admin",
    "other",
    "ics",
    "http",
    "testserver",
    "activities",
    "calendar",
    "CRM",
    "CSV",
    "Excel",
    "PowerPoint",
    "Word",
    "KB",
    "jpg",
    "DM",
    "Web",
}


def visible_words(html: str) -> set[str]:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    html = re.sub(r"&[a-z]+;|&#\d+;", " ", html)
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_]+", html) if w not in ALLOWED}


def test_every_activities_page_reads_in_japanese(client, rep, manager, person, company):
    now = timezone.now()
    touches = [
        services.log_touch(
            actor=rep,
            person=person,
            data={
                "kind": kind,
                "summary": "打ち合わせ",
                "occurred_at": now - dt.timedelta(minutes=i),
                "mood": "warm",
            },
        )
        for i, kind in enumerate(TouchKind.values)
    ]
    services.add_attachment(
        actor=rep, touch=touches[0], upload=SimpleUploadedFile("店頭.jpg", image_bytes("JPEG"))
    )
    services.update_touch(
        actor=rep, touch=touches[1], data={"mood": "hot"}, company=company
    )  # moved: 会社
    action = services.create_next_action(
        actor=rep, person=person, data={"title": "電話", "due_at": now, "kind": "call"}
    )
    for kind in TouchKind.values:
        services.set_activity_goal(actor=manager, rep=rep, period="week", kind=kind, target=3)
    report = services.submit_daily_report(
        actor=rep, day=timezone.localdate(), reflection="振り返り"
    )
    services.hand_over_customers(actor=manager, to_user=manager, note="引き継ぎ", people=[person])
    pages = {
        rep: [
            "/activities/",
            f"/activities/log/?person={person.pk}",
            f"/activities/touches/{touches[0].pk}/",
            f"/activities/touches/{touches[0].pk}/edit/",
            "/activities/reports/day/",
            "/activities/notifications/",
            f"/activities/actions/new/?person={person.pk}",
            f"/activities/reports/{report.pk}/",
            f"/customers/people/{person.pk}/",
            f"/customers/people/{person.pk}/history/",
            f"/customers/companies/{company.pk}/",
        ],
        manager: [
            "/activities/team/",
            "/activities/goals/",
            "/activities/reports/",
            "/activities/reports/missing/",
            "/activities/no-next-step/?owner=all",
            "/activities/handover/",
            f"/activities/reports/{report.pk}/",
            f"/activities/actions/{action.pk}/edit/",
            f"/activities/touches/?rep={rep.pk}",
            f"/customers/people/{person.pk}/",
            f"/customers/people/{person.pk}/history/",
        ],
    }
    found = {}
    for user, paths in pages.items():
        client.force_login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            words = visible_words(response.content.decode())
            if words:
                found[path] = sorted(words)
    assert found == {}
    client.force_login(rep)
    assert "メール" in client.get(f"/activities/log/?person={person.pk}").content.decode()
    assert (
        "メールアドレス" not in client.get(f"/activities/touches/{touches[2].pk}/").content.decode()
    )
