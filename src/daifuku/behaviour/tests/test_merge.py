"""名寄せ: a merged customer's web events and proven visitor ids follow the survivor."""

from __future__ import annotations

import pytest
from django.utils import timezone

from daifuku.behaviour.models import Event, VisitorLink

pytestmark = pytest.mark.django_db


def test_merge_moves_events_and_links_and_undo_puts_them_back(admin, rep):
    from daifuku.customers.dedup.services.merge import merge_people, undo_merge
    from daifuku.customers.services import create_person

    survivor = create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    loser = create_person(actor=rep, data={"family_name": "山田", "given_name": "はなこ"})
    VisitorLink.objects.create(visitor_id="visitor-loser", person=loser, via="login")
    Event.objects.create(
        event_id="e-1",
        visitor_id="visitor-loser",
        kind="page_view",
        occurred_at=timezone.now(),
        person=loser,
    )
    journal = merge_people(actor=admin, survivor=survivor, loser=loser)
    assert Event.objects.get(event_id="e-1").person == survivor
    assert VisitorLink.objects.get(visitor_id="visitor-loser").person == survivor
    undo_merge(actor=admin, journal=journal)
    assert Event.objects.get(event_id="e-1").person == loser
    assert VisitorLink.objects.get(visitor_id="visitor-loser").person == loser
