"""Test data for the customer ledger, made through the services (so indexes and audit
are exactly what production produces)."""

from __future__ import annotations

from daifuku.customers import services


def person(actor, **data):
    defaults = {
        "family_name": "田中",
        "given_name": "太郎",
        "family_kana": "タナカ",
        "given_kana": "タロウ",
    }
    return services.create_person(actor=actor, data={**defaults, **data})


def company(actor, **data):
    return services.create_company(
        actor=actor, data={"name": "株式会社山田製作所", "kana": "ヤマダセイサクショ", **data}
    )
