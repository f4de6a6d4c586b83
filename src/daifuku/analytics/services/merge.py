"""Participation in 名寄せ: the loser's NPS answers and referrals (made and received) move
to the survivor, each move journaled so the merge can be undone. A referral between the
two merged people becomes the survivor introducing themselves: kept (history is not
rewritten) and left out of every count by the selectors."""

from __future__ import annotations

from ..models import NpsAnswer, Referral


def on_customer_merging(survivor, loser, journal, **_ignored) -> dict[str, int]:
    from daifuku.customers.dedup.journal import move_rows
    from daifuku.customers.models import Person

    if not isinstance(loser, Person):
        return {}
    return {
        "analytics.npsanswer": move_rows(
            journal, NpsAnswer.objects.filter(person_id=loser.pk), "person", survivor.pk
        ),
        "analytics.referral": move_rows(
            journal, Referral.objects.filter(referrer_id=loser.pk), "referrer", survivor.pk
        )
        + move_rows(
            journal, Referral.objects.filter(referred_id=loser.pk), "referred", survivor.pk
        ),
    }
