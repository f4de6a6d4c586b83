"""``daifuku demo``: a ready-to-try CRM on an empty database, then how to log in.

On a database without users it creates four demo users in two teams, about 300 customers
and 40 companies (with households and contacts) through the seeding loader, and runs the
demo hooks other domains registered (``core.demo``). On a database that already has users
it changes nothing and only prints the login information, so ``make demo`` can run it
every time.

A management command is an interface adapter like a view, so it lives in the web app
(the top layer) and may call the services of every domain.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from daifuku.core import demo
from daifuku.core.context import acting

URL = "http://127.0.0.1:8000/"
PASSWORD = "daifuku-demo"
TEAMS = ("東京営業", "大阪営業")
# (username, role, team index or None, display name)
USERS = (
    ("admin", "admin", None, "管理者"),
    ("manager", "manager", 0, "佐藤 部長"),
    ("rep1", "rep", 0, "鈴木 一郎"),
    ("rep2", "rep", 1, "高橋 花子"),
)


class Command(BaseCommand):
    help = "Load demo users and customers into an empty database and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=300)
        parser.add_argument("--companies", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        from daifuku.accounts.models import User

        if User.objects.exists():
            if User.objects.filter(username__in=[u[0] for u in USERS]).count() == len(USERS):
                self.stdout.write("Demo data is already loaded; nothing to do.")
                self._login_info()
            else:
                self.stdout.write(
                    "This database already has users, so no demo data was added. "
                    f"Log in at {URL} with your own account."
                )
            return
        with acting("command"):
            results, report = self._load(options)
        self.stdout.write(
            f"Demo data loaded: {len(USERS)} users in {len(TEAMS)} teams, {report.people} people, "
            f"{report.companies} companies, {report.contacts} contacts, {report.household_members} family members."
        )
        for result in results:
            status = "ok" if result.ok else "FAILED"
            self.stdout.write(
                f"  {result.name}: {status}{' — ' + result.summary if result.summary else ''}"
            )
        self._login_info()

    @transaction.atomic
    def _load(self, options):
        from daifuku.accounts.services import create_team, create_user
        from daifuku.customers.seeding.loader import load

        teams = [create_team(actor="daifuku demo", name=name) for name in TEAMS]
        users = {}
        for username, role, team, display_name in USERS:
            users[username] = create_user(
                actor="daifuku demo",
                username=username,
                password=PASSWORD,
                role=role,
                team=teams[team] if team is not None else None,
                display_name=display_name,
                email=f"{username}@example.jp",
                check_password=False,
            )
        owners = [(users[name].pk, users[name].team_id) for name in ("rep1", "rep2")]
        report = load(
            actor=users["admin"],
            people=options["people"],
            companies=options["companies"],
            seed=options["seed"],
            duplicate_rate=0.02,
            owners=owners,
        )
        context = demo.DemoContext(
            users=users,
            person_ids=list(range(report.first_person_id, report.first_person_id + report.people))
            if report.people
            else [],
            company_ids=list(
                range(report.first_company_id, report.first_company_id + report.companies)
            )
            if report.companies
            else [],
        )
        return demo.run_all(context), report

    def _login_info(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Open {URL} and log in with one of these users (password: {PASSWORD}):")
        for username, role, team, _display in USERS:
            where = f", {TEAMS[team]}" if team is not None else ""
            self.stdout.write(f"  {username:<8} {role}{where}")
        self.stdout.write("")
