"""Planner statistics for the index of 0005. Without them SQLite took the new
prefecture + stage index for a prefecture-only list too and sorted every row of the
prefecture (0.4 s for 東京都 at a million people) instead of walking the prefecture index
in 五十音順."""

from django.db import migrations


def analyze(apps, schema_editor):
    from daifuku.core import db

    db.analyze(["customers_person"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_pref_stage_index")]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True)]
