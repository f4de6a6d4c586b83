"""Search folds 異体字 (髙橋 = 高橋, 齋藤 = 斉藤 = 斎藤, 渡邊 = 渡辺) with the table 名寄せ uses
(core.japanese_data.KANJI_VARIANTS), at index and at query time: the documents indexed
before still hold the old forms, so the customers whose documents hold one are indexed
again (found through the characters' own postings: only those customers are read)."""

from django.db import migrations


def reindex(apps, schema_editor):
    from daifuku.core.japanese import KANJI_VARIANTS
    from daifuku.customers.search_index import reindex_documents_holding

    reindex_documents_holding(KANJI_VARIANTS)


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_sort_kana_collation_key"), ("core", "0006_posting_backlog")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True)]
