"""``sort_kana`` becomes the JIS X 4061 collation key of the reading (五十音順 as a
dictionary orders it: ハ < バ < パ < ハーン < ハン) instead of the katakana itself, whose
code-point order put ババ, パク and ハーン after every plain ハ reading. Every row is
recomputed with the function the writers use, in batches by id (a million people: one
pass, the indexes updated as it goes), then the planner statistics are refreshed."""

from django.db import migrations

BATCH = 5000


def _recompute(connection, table: str, columns: str, key) -> None:
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, {columns} FROM {table} WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            changed = [(new, row[0]) for row in rows if (new := key(*row[1:-1])) != row[-1]]
            if changed:
                cursor.executemany(f"UPDATE {table} SET sort_kana = %s WHERE id = %s", changed)


def recompute(apps, schema_editor):
    from daifuku.core import db
    from daifuku.customers.search_index import company_sort_kana, person_sort_kana

    _recompute(
        schema_editor.connection,
        "customers_person",
        "family_name, given_name, family_kana, given_kana, sort_kana",
        person_sort_kana,
    )
    _recompute(
        schema_editor.connection, "customers_company", "name, kana, sort_kana", company_sort_kana
    )
    db.analyze(["customers_person", "customers_company"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_analyze_people_again")]

    # Not reversible to the exact old text, and nothing needs it: the old order was wrong.
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
