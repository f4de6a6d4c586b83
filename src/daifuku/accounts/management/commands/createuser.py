"""``daifuku createuser USERNAME --role manager --team 東京営業 [--password P]``."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from daifuku.core.context import acting
from daifuku.core.errors import ValidationFailed

from ...models import Role, Team
from ...services import create_team, create_user


class Command(BaseCommand):
    help = "Create a user with a role and (optionally) a team."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", default=Role.REP, choices=Role.values)
        parser.add_argument("--team", default="")
        parser.add_argument("--password", default=None)
        parser.add_argument("--display-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        password = options["password"]
        if password is None:
            password = getpass.getpass("Password: ")
        with acting("command"):
            team = None
            if options["team"]:
                team = Team.objects.filter(name=options["team"]).first() or create_team(
                    actor="command", name=options["team"]
                )
            try:
                user = create_user(
                    actor="command",
                    username=options["username"],
                    password=password,
                    role=options["role"],
                    team=team,
                    display_name=options["display_name"],
                    email=options["email"],
                )
            except ValidationFailed as exc:
                raise CommandError(
                    "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
                ) from exc
        self.stdout.write(f"created {user.username} ({user.role})")
