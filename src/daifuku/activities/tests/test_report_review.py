"""Daily report review: send back with a comment, who has not submitted, and an approved
report that stays as it was approved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.activities import services
from daifuku.activities.models import DailyReport, Notification
from daifuku.core.errors import DomainError


def _noon(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_a_manager_sends_a_report_back_and_the_rep_resubmits(client, rep, manager, log):
    day = timezone.localdate()
    report = services.submit_daily_report(actor=rep, day=day, reflection="訪問二件")
    client.force_login(manager)
    page = client.get(f"/activities/reports/{report.pk}/").content.decode()
    assert 'id="return"' in page and "差し戻す" in page and 'id="approve"' in page
    empty = client.post(f"/activities/reports/{report.pk}/return/", {"return-body": " "})
    assert (
        empty.status_code == 422
        and 'id_return-body-error" role="alert"><li>この項目は必須です。' in empty.content.decode()
    )
    report.refresh_from_db()
    assert report.status == "submitted"
    sent = client.post(
        f"/activities/reports/{report.pk}/return/", {"return-body": "訪問先の反応を書いてください"}
    )
    assert sent.status_code == 302
    report.refresh_from_db()
    assert (
        report.status == "returned" and report.comments.get().body == "訪問先の反応を書いてください"
    )
    note = Notification.objects.get(user=rep, key__startswith="report-returned")
    assert note.body == "訪問先の反応を書いてください" and "差し戻されました" in note.title
    page = client.get(f"/activities/reports/{report.pk}/").content.decode()
    assert "差し戻し" in page and 'id="approve"' not in page  # nothing to decide until resubmitted
    with pytest.raises(DomainError) as twice:
        services.approve_daily_report(actor=manager, report=report)
    assert twice.value.code == "report_not_submitted"
    client.force_login(rep)
    assert (
        "マネージャーがこの日報を差し戻しました"
        in client.get(f"/activities/reports/{report.pk}/").content.decode()
    )
    with pytest.raises(DomainError) as own:
        services.return_daily_report(actor=rep, report=report, comment="x")
    assert own.value.code in ("permission_denied", "report_not_submitted")
    services.submit_daily_report(actor=rep, day=day, reflection="訪問二件。A社は前向き。")
    report.refresh_from_db()
    assert report.status == "submitted"
    services.approve_daily_report(actor=manager, report=report)


def test_another_teams_manager_cannot_send_back(rep, make_user, teams):
    report = services.submit_daily_report(actor=rep, day=timezone.localdate())
    osaka_lead = make_user("osaka-lead", "manager", teams["osaka"])
    with pytest.raises(DomainError) as refused:
        services.return_daily_report(actor=osaka_lead, report=report, comment="直して")
    assert refused.value.code == "permission_denied"


def test_an_approved_report_stays_as_it_was_approved(client, rep, manager, person, log):
    day = timezone.localdate() - dt.timedelta(days=1)
    kept = log(summary="午前の訪問", occurred_at=_noon(day, 10))
    log(summary="内緒のメモ", occurred_at=_noon(day, 11), is_private=True)
    report = services.submit_daily_report(actor=rep, day=day, reflection="午前に一件")
    services.approve_daily_report(actor=manager, report=report)
    log(summary="後から記録した電話", kind="call", occurred_at=_noon(day, 15))
    services.update_touch(actor=rep, touch=kept, data={"summary": "書き換えた要件"})
    client.force_login(manager)
    page = client.get(f"/activities/reports/{report.pk}/").content.decode()
    assert "午前の訪問" in page and "午前に一件" in page and 'id="frozen-note"' in page
    for later in ("後から記録した電話", "書き換えた要件", "内緒のメモ"):
        assert later not in page, later
    report.refresh_from_db()
    assert [t["summary"] for t in report.approved_content["touches"]] == ["午前の訪問"]
    with pytest.raises(DomainError):
        services.submit_daily_report(actor=rep, day=day, reflection="書き直し")


def test_managers_see_who_has_not_submitted(
    client, rep, teammate, manager, other_rep, make_user, teams
):
    day = timezone.localdate()
    services.submit_daily_report(actor=teammate, day=day)
    late = make_user("late", "rep", teams["tokyo"], display_name="遅刻 三郎")
    returned = services.submit_daily_report(actor=late, day=day)
    services.return_daily_report(actor=manager, report=returned, comment="詳しく")
    client.force_login(manager)
    page = client.get("/activities/reports/missing/", {"day": day.isoformat()}).content.decode()
    table = page[page.find('id="missing-reports"') : page.find("</table>")]
    assert "営業 一郎" in table and "未作成" in table  # rep: nothing written
    assert "遅刻 三郎" in table and "差し戻し" in table  # sent back, not yet resubmitted
    assert "teammate" not in table and "other" not in table  # submitted / another team
    client.force_login(rep)
    assert client.get("/activities/reports/missing/").status_code == 404
    assert DailyReport.objects.count() == 2
