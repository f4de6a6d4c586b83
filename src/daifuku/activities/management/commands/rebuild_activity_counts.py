"""``daifuku rebuild_activity_counts``: recompute the tables the team dashboard reads
(touches per rep/day/kind, customers touched per rep and week/month, last touch per
person) from the touches themselves. The touch services keep them exact in every touch's
transaction; this is the repair for touches written around the services (raw SQL, a
restore of the touches table alone)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from daifuku.activities.models import TouchDailyCount
from daifuku.activities.services.rollups import rebuild_rollups
from daifuku.core import db


class Command(BaseCommand):
    help = "Recompute the team dashboard's counts from the touches (repair)."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = rebuild_rollups(daily_model=TouchDailyCount)
        db.analyze(
            [
                "activities_touchdailycount",
                "activities_repcustomerperiod",
                "activities_personlasttouch",
            ]
        )
        self.stdout.write(
            f"daily counts: {written['daily']}, customer-period rows: {written['periods']}, "
            f"people with a last touch: {written['people']}"
        )
