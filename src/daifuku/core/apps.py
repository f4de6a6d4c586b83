from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "daifuku.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            bulk_load,
            connections,
            db,  # noqa: F401  (connection setup hooks)
            input_guard,
            jobs,
            schedule,
        )
        from .models import SearchDocument

        connections.install()  # a connection closes with the thread that opened it

        schedule.every(
            jobs.RECOVERY_INTERVAL_SECONDS, "core.recover_stalled_jobs", jobs.recover_stalled
        )
        post_migrate.connect(_empty_postings_of_an_emptied_index, sender=self)
        # Every project model refuses what its columns cannot hold, alike on both databases.
        pre_save.connect(input_guard.check_instance, dispatch_uid="core.input_guard")
        post_migrate.connect(_repair_bulk_load, sender=self)
        # the search list's ordering: new documents go into it at scattered places, so a bulk
        # load (a large import) builds it after its last batch (core.bulk_load)
        bulk_load.register(SearchDocument, ["search_doc_sort_idx"])


def _repair_bulk_load(using, **kwargs) -> None:
    """A bulk load that was killed (core.bulk_load) left indexes missing and postings in
    the backlog; a migration finishes them."""
    from django.db import DEFAULT_DB_ALIAS, connection

    from . import bulk_load

    # also sent after a partial migration (and after flush): only once the backlog exists
    if (
        using == DEFAULT_DB_ALIAS
        and bulk_load.BACKLOG_TABLE in connection.introspection.table_names()
    ):
        bulk_load.repair()


def _empty_postings_of_an_emptied_index(using, **kwargs) -> None:
    """``flush`` (and every transactional test) empties the tables Django manages, but the
    search's posting table is created by hand (unmanaged): postings of the deleted
    documents stayed, new documents took their ids and searches found nothing. Flush
    sends post_migrate afterwards; an index without documents has no postings to keep.
    Costs one indexed probe after a real migration of a full ledger."""
    from django.db import connections

    from .models import SearchDocument, SearchGram

    connection = connections[using]
    if SearchGram._meta.db_table not in connection.introspection.table_names():
        return
    if not SearchDocument.objects.using(using).exists():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(SearchGram._meta.db_table)}")
