"""Participation in 名寄せ: the loser's NPS answers and referrals (made and received) move
to the survivor, each move journaled so the merge can be undone. A referral between the
two merged people becomes the survivor introducing themselves: kept (history is not
rewritten) and left out of every count by the selectors."""

from __future__ import annotations

from ..models import NpsAnswer, Referral


def on_customer_merging(
    *, entity: str, survivor_id: int, loser_id: int, journal_id: int, **_ignored
) -> dict[str, int]:
    """``customer.merging`` participant (inside the merge transaction): rows moved."""
    from daifuku.customers.dedup.services.journal import move_rows

    if entity != "person":
        return {}
    return {
        "analytics.npsanswer": move_rows(
            journal_id, NpsAnswer.objects.filter(person_id=loser_id), "person", survivor_id
        ),
        "analytics.referral": move_rows(
            journal_id, Referral.objects.filter(referrer_id=loser_id), "referrer", survivor_id
        )
        + move_rows(
            journal_id, Referral.objects.filter(referred_id=loser_id), "referred", survivor_id
        ),
    }
