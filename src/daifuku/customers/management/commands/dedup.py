"""``daifuku dedup scan [--type person|company]`` finds duplicate candidates and stores
them for review; ``daifuku dedup list`` prints the open groups."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from daifuku.core.context import acting
from daifuku.customers.dedup.selectors import open_groups
from daifuku.customers.dedup.services.candidates import scan


class Command(BaseCommand):
    help = "Find duplicate customers (名寄せ)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["scan", "list"])
        parser.add_argument("--type", default="person", choices=["person", "company"])

    def handle(self, *args, **options):
        if options["action"] == "list":
            for group in open_groups(options["type"], limit=200):
                self.stdout.write(
                    f"#{group.pk} score {group.score}: {group.member_ids} ({', '.join(group.reasons)})"
                )
            return
        with acting("command"):
            try:
                result = scan(actor="command", entity_type=options["type"], progress=self._progress)
            except Exception as exc:  # noqa: BLE001
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"compared {result.pairs_compared} pairs, matched {result.pairs_matched}, "
            f"{result.groups} candidate groups ({result.new_groups} new)"
        )

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"scored {done:,}/{total:,} pairs")
