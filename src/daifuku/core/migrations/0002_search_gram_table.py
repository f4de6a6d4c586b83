"""The posting table of the search index, created per database: WITHOUT ROWID on SQLite
(the primary key *is* the table, half the size of a rowid table plus index)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        sql = (
            "CREATE TABLE core_searchgram (gram INTEGER NOT NULL, sort_key INTEGER NOT NULL, "
            "document_id INTEGER NOT NULL, PRIMARY KEY (gram, sort_key, document_id)) WITHOUT ROWID"
        )
    else:
        sql = (
            "CREATE TABLE core_searchgram (gram BIGINT NOT NULL, sort_key BIGINT NOT NULL, "
            "document_id BIGINT NOT NULL, PRIMARY KEY (gram, sort_key, document_id))"
        )
    schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE core_searchgram")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
