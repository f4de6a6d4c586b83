"""Scoring of person pairs: contradictions keep chance namesakes out of the review queue."""

from __future__ import annotations

import datetime as dt

from daifuku.customers.dedup.scoring import (
    PROBABLE_THRESHOLD,
    THRESHOLD,
    person_record,
    score_people,
)


def _person(
    pk, *, postal="1000001", emails=(), phones=(), address="千代田1-1", birthday=dt.date(1980, 1, 2)
):
    return person_record(
        id=pk,
        family_name="高橋",
        given_name="一郎",
        family_kana="タカハシ",
        given_kana="イチロウ",
        birthday=birthday,
        postal_code=postal,
        address_line=address,
        emails=emails,
        phones=phones,
    )


def test_namesake_with_same_birthday_elsewhere_is_only_a_probable_duplicate():
    score, reasons = score_people(
        _person(1, postal="1000001"), _person(2, postal="5300001", address="梅田1-1")
    )
    assert (score, reasons) == (55, ["kana", "name", "birthday"])
    assert PROBABLE_THRESHOLD <= score < THRESHOLD


def test_same_person_who_moved_still_matches_through_email():
    a = _person(1, postal="1000001", emails={"ichiro@example.jp"})
    b = _person(2, postal="5300001", address="梅田1-1", emails={"ichiro@example.jp"})
    assert score_people(a, b) == (100, ["email", "kana", "name", "birthday"])


def test_same_postal_code_and_address_score_as_before():
    assert score_people(_person(1), _person(2)) == (
        95,
        ["kana", "name", "birthday", "postal_code", "address"],
    )


def test_unknown_postal_code_is_no_contradiction():
    assert score_people(_person(1, postal=""), _person(2, postal="5300001"))[0] == 70
