"""``daifuku seed --customers N [--companies M] [--seed S] [--duplicates RATE]``.

Generates realistic Japanese customers (names with correct readings, real postal codes,
households, companies with contacts) and bulk-loads them into the ledger; a million
people take a couple of minutes. The records are shared out among the active reps and
managers (owner and team), so permissions behave as with real data."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from daifuku.accounts.models import Role, User
from daifuku.core.context import acting

from ...seeding.loader import load


def default_owners() -> list[tuple[int, int | None]]:
    """Active reps (and managers when there are no reps) as ``(owner_id, team_id)``."""
    for roles in ((Role.REP,), (Role.MANAGER, Role.ADMIN)):
        owners = list(
            User.objects.filter(is_active=True, role__in=roles)
            .order_by("pk")
            .values_list("pk", "team_id")
        )
        if owners:
            return owners
    return []


class Command(BaseCommand):
    help = "Generate realistic Japanese customers and bulk-load them (demo and benchmark data)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, required=True, help="number of people to add")
        parser.add_argument(
            "--companies",
            type=int,
            default=None,
            help="number of companies (default: one per 25 people)",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same customers"
        )
        parser.add_argument(
            "--duplicates",
            type=float,
            default=0.0,
            help="share of planted near-duplicate people, e.g. 0.02 (for 名寄せ)",
        )
        parser.add_argument("--unowned", action="store_true", help="leave owner and team empty")

    def handle(self, *args, **options):
        people = options["customers"]
        companies = options["companies"] if options["companies"] is not None else people // 25
        if people < 0 or companies < 0:
            raise CommandError("--customers and --companies cannot be negative")
        if not 0 <= options["duplicates"] < 1:
            raise CommandError("--duplicates is a share between 0 and 1")
        owners = [] if options["unowned"] else default_owners()
        verbose = options["verbosity"] > 0 and sys.stdout.isatty()

        def progress(stage: str, done: int, total: int) -> None:
            if verbose:
                self.stdout.write(f"\r{stage}: {done:,}/{total:,}", ending="")
                self.stdout.flush()

        with acting("command"):
            report = load(
                actor="daifuku seed",
                people=people,
                companies=companies,
                seed=options["seed"],
                duplicate_rate=options["duplicates"],
                owners=owners,
                progress=progress,
            )
        if verbose:
            self.stdout.write("")
        self.stdout.write(
            f"Seeded {report.people:,} people, {report.companies:,} companies, {report.contacts:,} contacts, "
            f"{report.household_members:,} household members in {report.seconds:.1f} s."
        )
        if options["verbosity"] > 1:
            for name, seconds in sorted(report.timings.items(), key=lambda item: -item[1]):
                self.stdout.write(f"  {name:<24} {seconds:8.2f} s")
