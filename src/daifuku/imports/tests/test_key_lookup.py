"""core.db.one_of, as the import looks a batch's keys up with it: many text values as one
parameter of an ``__in`` filter, on both databases — the rows the plain list gives."""

from __future__ import annotations

import pytest

from daifuku.core import db
from daifuku.customers.models import EmailAddress
from daifuku.customers.services import create_person

pytestmark = pytest.mark.django_db


def test_one_of_finds_what_the_plain_list_finds(rep):
    addresses = [
        "a@example.jp",
        "o'brien@example.jp",
        "taro+crm@example.co.jp",
        "under_score@example.jp",
    ]
    for index, address in enumerate(addresses):
        create_person(actor=rep, data={"family_name": f"田中{index}", "emails": [address]})
    wanted = [addresses[1], addresses[2], addresses[3], "nobody@example.jp"] + [
        f"x{i}@example.jp" for i in range(2000)
    ]
    found = set(
        EmailAddress.objects.filter(address__in=db.one_of(wanted)).values_list("address", flat=True)
    )
    stored = set(EmailAddress.objects.values_list("address", flat=True))
    assert found == stored & set(wanted)
    assert len(found) == 3
    assert not EmailAddress.objects.filter(address__in=db.one_of([])).exists()
