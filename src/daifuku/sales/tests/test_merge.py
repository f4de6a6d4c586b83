"""名寄せ through the real customers merge and its undo: everything sales (and the touches
and next actions planned on deals) holds on either record lands on the survivor, and the
undo puts every row back where it was."""

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.sales import services
from daifuku.sales.models import Deal, DealContact, LineItem, Quote, StageChange

pytestmark = pytest.mark.django_db(transaction=True)


def _deal_with_everything(rep, make_deal, stages, person, title):
    """A deal of ``person`` with two lines, a quote, a move, a touch and a next action."""
    from daifuku.activities.services import create_next_action, log_touch

    deal = make_deal(rep, title=title, person_id=person.pk)
    services.add_line_item(
        actor=rep, deal=deal, data={"name": "保守", "quantity": 2, "unit_price": 50_000}
    )
    services.add_line_item(actor=rep, deal=deal, data={"name": "導入支援", "unit_price": 300_000})
    services.issue_quote(actor=rep, deal=deal)
    services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["提案"])
    log_touch(
        actor=rep,
        person=person,
        data={
            "summary": f"{title}の打合せ",
            "kind": "visit",
            "subject_type": "sales.deal",
            "subject_id": deal.pk,
        },
    )
    create_next_action(
        actor=rep,
        person=person,
        data={
            "title": f"{title}の見積送付",
            "due_at": timezone.now() + dt.timedelta(days=3),
            "subject_type": "sales.deal",
            "subject_id": deal.pk,
        },
    )
    return deal


def _holdings(person_id):
    """What hangs on one person: deal ids and, through them, lines, quotes, stage changes;
    their deal roles; their touches and next actions."""
    from daifuku.activities.models import NextAction, Touch

    deals = sorted(Deal.objects.filter(person_id=person_id).values_list("pk", flat=True))
    return {
        "deals": deals,
        "lines": sorted(LineItem.objects.filter(deal_id__in=deals).values_list("pk", flat=True)),
        "quotes": sorted(Quote.objects.filter(deal_id__in=deals).values_list("pk", flat=True)),
        "stage_changes": sorted(
            StageChange.objects.filter(deal_id__in=deals).values_list("pk", flat=True)
        ),
        "roles": sorted(
            DealContact.objects.filter(person_id=person_id).values_list("deal_id", "role")
        ),
        "touches": sorted(Touch.objects.filter(person_id=person_id).values_list("pk", flat=True)),
        "actions": sorted(
            NextAction.objects.filter(person_id=person_id).values_list("pk", flat=True)
        ),
    }


def test_merge_people_moves_every_sales_row_and_undo_puts_it_back(
    admin, rep, make_deal, stages, person
):
    from daifuku.customers.dedup.services.merge import merge_people, undo_merge
    from daifuku.customers.services import create_person

    loser = create_person(actor="test", data={"family_name": "山田", "given_name": "はなこ"})
    kept = _deal_with_everything(rep, make_deal, stages, person, "基幹更改")
    moved = _deal_with_everything(rep, make_deal, stages, loser, "追加案件")
    shared = make_deal(rep, title="共同案件")
    services.add_deal_contact(actor=rep, deal=shared, person=person, role="担当者")
    services.add_deal_contact(
        actor=rep, deal=shared, person=loser, role="決裁者"
    )  # duplicate after the merge
    services.add_deal_contact(actor=rep, deal=kept, person=loser, role="影響者")
    before_survivor, before_loser = _holdings(person.pk), _holdings(loser.pk)
    assert before_loser["deals"] == [moved.pk] and len(before_loser["lines"]) == 2
    assert len(before_loser["quotes"]) == 1 and len(before_loser["stage_changes"]) == 2
    assert len(before_loser["touches"]) == 1 and len(before_loser["actions"]) == 1

    journal = merge_people(actor=admin, survivor=person, loser=loser)

    after = _holdings(person.pk)
    assert after["deals"] == sorted([kept.pk, moved.pk])
    for key in ("lines", "quotes", "stage_changes", "touches", "actions"):
        assert after[key] == sorted(before_survivor[key] + before_loser[key]), key
    assert after["roles"] == sorted([(shared.pk, "担当者"), (kept.pk, "影響者")])
    assert _holdings(loser.pk) == {key: [] for key in after}
    assert journal.entries.filter(model="sales.deal", action="moved").count() == 1
    assert journal.entries.filter(model="sales.dealcontact", action="deleted").count() == 1

    undo_merge(actor=admin, journal=journal)

    assert _holdings(person.pk) == before_survivor
    assert _holdings(loser.pk) == before_loser
    assert Deal.objects.get(pk=moved.pk).person_id == loser.pk


def test_merge_companies_moves_deals_and_undo_puts_them_back(admin, rep, make_deal, company):
    from daifuku.customers.dedup.services.merge import merge_companies, undo_merge
    from daifuku.customers.services import create_company

    loser = create_company(actor="test", data={"name": "山田製作所"})
    theirs = make_deal(rep, company_id=loser.pk, title="別件")
    mine = make_deal(rep)
    journal = merge_companies(actor=admin, survivor=company, loser=loser)
    assert sorted(Deal.objects.filter(company=company).values_list("pk", flat=True)) == sorted(
        [mine.pk, theirs.pk]
    )
    undo_merge(actor=admin, journal=journal)
    assert Deal.objects.get(pk=theirs.pk).company_id == loser.pk
    assert Deal.objects.get(pk=mine.pk).company_id == company.pk
