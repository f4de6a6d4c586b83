"""``daifuku analytics_rebuild``: recompute every customer's metrics, RFM scores and rank
from the orders (what the nightly job does; also the repair after orders were written
around the services)."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from daifuku.analytics.jobs import run_rebuild


class Command(BaseCommand):
    help = "Recompute customer metrics, RFM scores and ranks from the orders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", help="the day the figures are computed for (YYYY-MM-DD; today by default)"
        )
        parser.add_argument(
            "--keep-cut-points",
            action="store_true",
            help="score RFM against the cut points of the last rebuild instead of recomputing the quintiles",
        )

    def handle(self, *args, **options):
        as_of = None
        if options.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError("--as-of: use YYYY-MM-DD") from None
        started = time.perf_counter()
        result = run_rebuild(as_of=as_of, recalibrate=not options["keep_cut_points"])
        seconds = time.perf_counter() - started
        totals = result.pop("figure_totals", None)
        for entity, counts in result.items():
            self.stdout.write(
                f"{entity}: {counts['customers']} customers, {counts['buyers']} buyers, "
                f"{counts['rank_changes']} rank changes, {counts['removed']} removed"
            )
        if totals:
            self.stdout.write(
                f"analytics area: {totals['parts']} customer parts, {totals['totals']} totals"
            )
        self.stdout.write(f"done in {seconds:.2f} s")
