"""Test data for the customer ledger, made through the services (so indexes and audit
are exactly what production produces). Every app's tests make their people and
companies here (their conftest fixtures name which ones they need).

The default reading goes with the default name only: a person or company given another
name gets no reading unless the test gives one (a 山田 read タナカ would mislead a test
of the 五十音順)."""

from __future__ import annotations

from daifuku.customers import services


def person(actor, **data):
    defaults = {"family_name": "田中", "given_name": "太郎"}
    if "family_name" not in data:
        defaults.update(family_kana="タナカ", given_kana="タロウ")
    return services.create_person(actor=actor, data={**defaults, **data})


def company(actor, **data):
    defaults = {"name": "株式会社山田製作所"}
    if "name" not in data:
        defaults["kana"] = "ヤマダセイサクショ"
    return services.create_company(actor=actor, data={**defaults, **data})
