"""会員番号 becomes a field of its own, indexed, so an order from a till or an EC site finds
its customer in one index lookup. The numbers kept until now in the custom field
``member_number`` are copied over (the custom field itself is left as it is)."""

from django.db import migrations, models


def copy_from_custom_field(apps, schema_editor):
    from daifuku.customers.validation import clean_member_number

    Person = apps.get_model("customers", "Person")
    rows = Person.objects.filter(custom_fields__has_key="member_number").values_list(
        "pk", "custom_fields"
    )
    for pk, custom in rows.iterator(chunk_size=2000):
        number = clean_member_number((custom or {}).get("member_number"))
        if number:
            Person.objects.filter(pk=pk).update(member_number=number)


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_search_folds_kanji_variants")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="member_number",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=60, verbose_name="member number"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)) & ~models.Q(("member_number", "")),
                fields=["member_number"],
                name="person_member_idx",
            ),
        ),
        migrations.RunPython(copy_from_custom_field, migrations.RunPython.noop, elidable=True),
    ]
