"""customers.services.bulk_write owns the ledger's row layout for bulk loads (the import
writer and the seeder write through it): a column added to a model must be added there."""

from __future__ import annotations

import pytest
from django.apps import apps

from daifuku.customers.services import bulk_write

# columns a bulk load leaves to the database's own handling (none today)
LEFT_OUT: dict[str, set[str]] = {}


@pytest.mark.parametrize("table", bulk_write.TABLES, ids=lambda table: table.name)
def test_every_column_of_the_table_is_written(table):
    model = next(
        m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table.name
    )
    columns = {field.column for field in model._meta.concrete_fields}
    auto = {model._meta.pk.column} if model._meta.pk.column not in table.columns else set()
    assert set(table.columns) | auto | LEFT_OUT.get(table.name, set()) == columns
    assert len(set(table.columns)) == len(table.columns)
    if table.scattered is not None:
        assert table.scattered in table.columns


def test_the_row_builders_follow_their_tables_columns():
    address = ("100-0001", "東京都", "千代田区", "千代田1-1", "")
    person = bulk_write.person_row(
        7, "at", address, 1, 2, "山田", "太郎", "ヤマダ", "タロウ", "やまだたろう", None, "", "", "",
        bulk_write.DEFAULT_STAGE, bulk_write.DEFAULT_LIFECYCLE, "import",
    )  # fmt: skip
    row = dict(zip(bulk_write.PEOPLE.columns, person, strict=True))
    assert row["id"] == 7 and row["created_at"] == row["updated_at"] == "at"
    assert row["version"] == 1 and row["deleted_at"] is None
    assert row["relationship_stage"] == "exploratory" and row["lifecycle"] == "lead"
    assert row["city"] == "千代田区" and row["custom_fields"] == "{}"
    email = dict(
        zip(
            bulk_write.EMAILS.columns,
            bulk_write.email_row(7, "a@example.jp", "", True),
            strict=True,
        )
    )
    assert email["domain"] == "example.jp" and email["company_id"] is None
    phone = ("03-1234-5678", "+81312345678", "0312345678", "8765432130", "work")
    assert len(bulk_write.person_phone_row(7, phone, True)) == len(bulk_write.PHONES.columns)
    assert bulk_write.company_phone_row(3, phone, True)[:2] == (None, 3)
    for table, built in (
        (bulk_write.STAGE_CHANGES, bulk_write.stage_row(7, "exploratory", "d", None, "at")),
        (bulk_write.HOUSEHOLD, bulk_write.household_row(7, "花子", "ハナコ", "spouse", None, "at")),
        (bulk_write.CONTACTS, bulk_write.contact_row(7, 3, "営業部", "部長", False, "at")),
        (bulk_write.CONSENTS, bulk_write.consent_row(7, "email", "opted_in", "at", "import", "", None)),
        (bulk_write.COMPANIES, bulk_write.company_row(
            3, "at", address, 1, 2, "株式会社テスト", "kabushiki", "before", "テスト", "てすと", "",
            "", "", "",
        )),
    ):  # fmt: skip
        assert len(built) == len(table.columns), table.name
