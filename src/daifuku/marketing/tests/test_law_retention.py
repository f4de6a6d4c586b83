"""Consent evidence is kept as long as 特定電子メール法 施行規則第4条 requires: while the
person is opted in and mailed, then one month after the last advertising mail (one year
under a 措置命令). A 名寄せ may still remove a duplicate consent row: its journal keeps it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from daifuku.marketing.services.consent_retention import EvidenceRetained, add_months
from daifuku.marketing.tests import law_world

pytestmark = pytest.mark.django_db
mailing = law_world.mailing  # the fixture the mail-law tests share


def _sent(delivery, days_ago: int) -> None:
    from daifuku.marketing.models import Delivery

    Delivery.objects.filter(pk=delivery.pk).update(
        status="sent", sent_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def _opt_out(admin, person) -> None:
    from daifuku.customers.services import record_consent

    record_consent(
        actor=admin,
        person=person,
        channel="email",
        status="opted_out",
        method="email",
        evidence="電話で停止依頼",
    )


def _refused(queryset) -> EvidenceRetained:
    with pytest.raises(EvidenceRetained) as refused, transaction.atomic():
        queryset.delete()
    return refused.value


def _consent(person):
    from daifuku.customers.models import Consent

    return Consent.objects.filter(person=person, channel="email")


def test_never_mailed_consent_may_go(mailing):
    _consent(mailing["hanako"]).delete()
    assert not _consent(mailing["hanako"]).exists()


def test_opted_in_and_mailed_is_kept(mailing):
    _sent(mailing["to_hanako"], days_ago=400)
    refused = _refused(_consent(mailing["hanako"]))
    assert refused.code == "consent_evidence_retained" and refused.status == 409
    assert _consent(mailing["hanako"]).exists()


def test_opted_out_is_kept_one_month_after_the_last_mail(mailing, admin):
    _opt_out(admin, mailing["hanako"])
    _sent(mailing["to_hanako"], days_ago=20)
    _refused(_consent(mailing["hanako"]))
    _sent(mailing["to_hanako"], days_ago=32)
    _consent(mailing["hanako"]).delete()
    assert not _consent(mailing["hanako"]).exists()


def test_a_measure_order_keeps_it_one_year(mailing, admin):
    from daifuku.marketing.services.sender import update_sender_settings

    update_sender_settings(actor=admin, data={"under_order": True})
    _opt_out(admin, mailing["hanako"])
    _sent(mailing["to_hanako"], days_ago=200)
    _refused(_consent(mailing["hanako"]))
    _sent(mailing["to_hanako"], days_ago=370)
    _consent(mailing["hanako"]).delete()


def test_hard_deleting_the_person_is_refused_too(mailing):
    from daifuku.customers.models import Person

    _sent(mailing["to_hanako"], days_ago=3)
    _refused(Person.all_objects.filter(pk=mailing["hanako"].pk))
    assert Person.all_objects.filter(pk=mailing["hanako"].pk).exists()


def test_a_merge_still_removes_the_duplicate_consent_into_its_journal(mailing, admin):
    from daifuku.customers.dedup.services.merge import merge_people
    from daifuku.customers.models import Consent, MergeJournalEntry
    from daifuku.customers.services import create_person, record_consent
    from daifuku.marketing.tests.law_world import make_delivery

    twin = create_person(actor=admin, data={"family_name": "山田", "given_name": "花子"})
    record_consent(
        actor=admin,
        person=twin,
        channel="email",
        status="opted_in",
        method="in_person",
        evidence="店頭申込書",
    )
    _sent(mailing["to_hanako"], days_ago=1)
    _sent(make_delivery(mailing["campaign"], "twin@example.jp", twin), days_ago=1)
    merge_people(actor=admin, survivor=mailing["hanako"], loser=twin)
    assert Consent.objects.filter(person=mailing["hanako"]).count() == 1
    kept = MergeJournalEntry.objects.get(model="customers.consent", action="deleted")
    assert kept.data["fields"]["evidence"] in {"店頭申込書", "会員登録フォーム 2026-04-01"}


def test_add_months_keeps_the_day_or_the_months_end():
    start = dt.datetime(2026, 1, 31, 9, tzinfo=dt.UTC)
    assert add_months(start, 1) == dt.datetime(2026, 2, 28, 9, tzinfo=dt.UTC)
    assert add_months(start, 12) == dt.datetime(2027, 1, 31, 9, tzinfo=dt.UTC)
