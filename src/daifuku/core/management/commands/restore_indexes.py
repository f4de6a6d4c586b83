"""``daifuku restore_indexes``: finish what a killed large import left set aside.

Every import and every ``migrate`` does this on its own; the command is for an operator
who wants the lists and name search complete right away (core.bulk_load)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from daifuku.core import bulk_load


class Command(BaseCommand):
    help = "Build the list indexes and search postings an interrupted large import left unfinished."

    def handle(self, *args, **options):
        done = bulk_load.repair()
        if done["documents"]:
            self.stdout.write(
                _("Made %(count)d customers findable by name again.") % {"count": done["documents"]}
            )
        if done["indexes"]:
            self.stdout.write(
                _("Built %(count)d missing indexes: %(names)s")
                % {"count": len(done["indexes"]), "names": ", ".join(done["indexes"])}
            )
        if not done["documents"] and not done["indexes"]:
            self.stdout.write(_("Nothing was left unfinished."))
