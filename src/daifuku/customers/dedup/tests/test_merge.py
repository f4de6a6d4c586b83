"""名寄せ: scan, merge (every related row moves), undo (exactly, or a named conflict)."""

from __future__ import annotations

import pytest

from daifuku.core import events
from daifuku.core.errors import DomainError
from daifuku.customers import services
from daifuku.customers.dedup.services import journal as journal_ops
from daifuku.customers.dedup.services.candidates import scan
from daifuku.customers.dedup.services.decisions import dismiss_group
from daifuku.customers.dedup.services.merge import UndoConflict, merge_people, undo_merge
from daifuku.customers.models import (
    Consent,
    Contact,
    DuplicateGroup,
    EmailAddress,
    HouseholdMember,
    MergeJournal,
    Person,
    PhoneNumber,
    Tag,
)
from daifuku.customers.selectors import search_hits


@pytest.fixture
def pair(rep):
    a = services.create_person(
        actor=rep,
        data={
            "family_name": "高橋",
            "given_name": "一郎",
            "family_kana": "タカハシ",
            "given_kana": "イチロウ",
            "birthday": "1980-01-02",
            "postal_code": "1000001",
            "address_line": "千代田1丁目1-1",
            "emails": ["ichiro@example.jp"],
            "phones": ["090-1234-5678"],
            "tags": ["VIP"],
        },
    )
    b = services.create_person(
        actor=rep,
        data={
            "family_name": "髙橋",
            "given_name": "一郎",
            "family_kana": "たかはし",
            "given_kana": "いちろう",
            "birthday": "1980-01-02",
            "postal_code": "100-0001",
            "address_line": "千代田１－１－１",
            "notes": "EC会員",
            "emails": ["ICHIRO@example.jp", "taka@example.com"],
            "phones": ["03-1234-5678"],
            "tags": ["VIP", "年賀状"],
        },
    )
    return a, b


def test_scan_groups_the_pair_with_reasons(rep, pair):
    a, b = pair
    services.create_person(
        actor=rep,
        data={
            "family_name": "高橋",
            "given_name": "一郎",
            "family_kana": "タカハシ",
            "given_kana": "イチロウ",
            "birthday": "1990-05-05",
            "postal_code": "1000001",
        },
    )  # 同姓同名の別人
    result = scan(actor=rep)
    assert (result.groups, result.new_groups) == (1, 1)
    group = DuplicateGroup.objects.get()
    assert group.member_ids == [a.pk, b.pk]
    assert group.score == 100
    assert group.reasons == ["address", "birthday", "email", "kana", "name", "postal_code"]
    again = scan(actor=rep)
    assert (again.groups, again.new_groups) == (1, 0)
    assert DuplicateGroup.objects.get().pk == group.pk


def test_not_a_duplicate_is_remembered(rep, pair):
    scan(actor=rep)
    dismiss_group(actor=rep, group=DuplicateGroup.objects.get())
    assert scan(actor=rep).groups == 0
    assert DuplicateGroup.objects.filter(status="open").count() == 0


def test_merge_moves_everything_and_undo_restores_exactly(rep, pair):
    a, b = pair
    company = services.create_company(actor=rep, data={"name": "㈱山田製作所"})
    services.add_contact(actor=rep, person=b, company=company, data={"title": "部長"})
    services.add_household_member(
        actor=rep, person=b, data={"name": "髙橋 花子", "relation": "spouse"}
    )
    services.record_consent(
        actor=rep, person=b, channel="email", status="opted_in", method="form", evidence="web"
    )
    before = {
        "emails": sorted(
            EmailAddress.objects.values_list("id", "person_id", "address", "is_primary")
        ),
        "phones": sorted(
            PhoneNumber.objects.values_list("id", "person_id", "number", "is_primary")
        ),
        "tags": sorted(Person.tags.through.objects.values_list("id", "person_id", "tag_id")),
        "a": (a.family_name, a.notes, a.version),
    }
    journal = merge_people(actor=rep, survivor=a, loser=b, choices={"family_name": "loser"})
    a.refresh_from_db()
    b = Person.all_objects.get(pk=b.pk)
    assert b.deleted_at is not None
    assert (a.family_name, a.notes) == ("髙橋", "EC会員")  # chosen value, and a blank filled
    assert sorted(a.emails.values_list("address", flat=True)) == [
        "ichiro@example.jp",
        "taka@example.com",
    ]
    assert a.emails.filter(is_primary=True).count() == 1
    assert sorted(a.phones.values_list("number", flat=True)) == ["03-1234-5678", "090-1234-5678"]
    assert sorted(a.tags.values_list("name", flat=True)) == ["VIP", "年賀状"]
    assert Contact.objects.get(company=company).person_id == a.pk
    assert HouseholdMember.objects.get().person_id == a.pk
    assert Consent.objects.get().person_id == a.pk
    assert [h.entity_id for h in search_hits("髙橋")[0]] == [a.pk]
    assert {e.action for e in journal.entries.all()} == {"moved", "deleted"}

    undo_merge(actor=rep, journal=journal)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.deleted_at is None
    assert (a.family_name, a.notes) == before["a"][:2]
    assert (
        sorted(EmailAddress.objects.values_list("id", "person_id", "address", "is_primary"))
        == before["emails"]
    )
    assert (
        sorted(PhoneNumber.objects.values_list("id", "person_id", "number", "is_primary"))
        == before["phones"]
    )
    assert (
        sorted(Person.tags.through.objects.values_list("id", "person_id", "tag_id"))
        == before["tags"]
    )
    assert Contact.objects.get(company=company).person_id == b.pk
    assert Consent.objects.get().person_id == b.pk
    assert sorted(h.entity_id for h in search_hits("たかはし")[0]) == [a.pk, b.pk]
    assert MergeJournal.objects.get().status == "undone"
    with pytest.raises(DomainError) as caught:
        undo_merge(actor=rep, journal=journal)
    assert caught.value.code == "already_undone"


def test_undo_names_the_conflict_instead_of_overwriting(rep, pair):
    a, b = pair
    journal = merge_people(actor=rep, survivor=a, loser=b)
    a.refresh_from_db()
    services.update_person(actor=rep, person=a, data={"notes": "電話で確認済み"})
    moved = EmailAddress.objects.get(address="taka@example.com")
    services.update_person(
        actor=rep, person=a, data={"emails": ["ichiro@example.jp"]}
    )  # deletes the moved row
    with pytest.raises(UndoConflict) as caught:
        undo_merge(actor=rep, journal=journal)
    assert caught.value.status == 409
    assert "notes" in caught.value.errors
    assert f"customers.emailaddress#{moved.pk}" in caught.value.errors
    assert Person.all_objects.get(pk=b.pk).deleted_at is not None  # nothing written


def test_other_domains_move_their_rows_through_the_participant_contract(rep, pair):
    """A domain above customers registers a participant; here tags stand in for its rows."""
    a, b = pair
    extra = Tag.objects.create(name="participant-row")
    link = Person.tags.through.objects.create(person_id=b.pk, tag_id=extra.pk)
    seen = {}

    def participant(*, entity, survivor_id, loser_id, journal_id):
        seen["call"] = (entity, survivor_id, loser_id)
        # the ledger's own tag move ran first; a domain moves what is still on the loser
        return journal_ops.move_rows(
            journal_id, Person.tags.through.objects.filter(pk=link.pk), "person", survivor_id
        )

    events.participate("customer.merging", participant)
    try:
        journal = merge_people(actor=rep, survivor=a, loser=b)
    finally:
        events._in_transaction["customer.merging"].remove(participant)
    assert seen["call"] == ("person", a.pk, b.pk)
    undo_merge(actor=rep, journal=journal)
    assert Person.tags.through.objects.get(pk=link.pk).person_id == b.pk


def test_merge_refuses_records_outside_the_actors_scope(rep, other_rep, pair):
    a, b = pair
    with pytest.raises(DomainError) as caught:
        merge_people(actor=other_rep, survivor=a, loser=b)
    assert caught.value.code == "not_found"


def test_the_losers_member_number_stays_with_the_customer(rep):
    """The EC site's or till's 会員番号 of the merged-away record is kept by the survivor
    (orders by that number must still find the customer), and the undo takes it back."""
    a = services.create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    b = services.create_person(
        actor=rep, data={"family_name": "山田", "given_name": "花子", "member_number": "M-0042"}
    )
    journal = merge_people(actor=rep, survivor=a, loser=b)
    a.refresh_from_db()
    assert a.member_number == "M-0042"
    undo_merge(actor=rep, journal=journal)
    a.refresh_from_db()
    assert a.member_number == ""
