"""名寄せ through the real customers merge and its undo: the loser's places on fixed lists
go to the survivor (once), memberships follow both people, and the undo puts them back."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_merge_moves_list_places_and_undo_puts_them_back(admin, rep):
    from daifuku.customers.dedup.services.merge import merge_people, undo_merge
    from daifuku.customers.services import create_person
    from daifuku.marketing import jobs
    from daifuku.marketing.models import SegmentMembership, StaticMember
    from daifuku.marketing.services import add_members, create_segment

    survivor = create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    loser = create_person(actor=rep, data={"family_name": "山田", "given_name": "はなこ"})
    both = create_segment(actor=admin, data={"name": "両方", "kind": "static"})
    only_loser = create_segment(actor=admin, data={"name": "旧アカウント", "kind": "static"})
    add_members(actor=admin, segment=both, person_ids=[survivor.pk, loser.pk])
    add_members(actor=admin, segment=only_loser, person_ids=[loser.pk])

    journal = merge_people(actor=admin, survivor=survivor, loser=loser)

    def people(segment):
        return set(StaticMember.objects.filter(segment=segment).values_list("person_id", flat=True))

    assert people(only_loser) == {survivor.pk}
    assert people(both) == {survivor.pk, loser.pk}  # the loser's row stays with the loser
    assert journal.entries.filter(model="marketing.staticmember", action="moved").count() == 1
    assert set(
        SegmentMembership.objects.filter(segment=only_loser).values_list("person_id", flat=True)
    ) == {survivor.pk}
    assert jobs.segment_full_check() == {}

    undo_merge(actor=admin, journal=journal)

    assert people(only_loser) == {loser.pk}
    assert people(both) == {survivor.pk, loser.pk}
    assert jobs.segment_full_check() == {}
