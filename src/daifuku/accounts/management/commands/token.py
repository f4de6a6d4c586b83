"""``daifuku token create USERNAME [--name N]`` prints a new API token;
``daifuku token revoke PREFIX`` revokes one."""

from django.core.management.base import BaseCommand, CommandError

from daifuku.core.context import acting

from ...models import ApiToken, User
from ...services import create_api_token, revoke_api_token


class Command(BaseCommand):
    help = "Create or revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it (shown once)")
        create.add_argument("username")
        create.add_argument("--name", default="command line")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        with acting("command"):
            if options["action"] == "create":
                try:
                    user = User.objects.get(username=options["username"])
                except User.DoesNotExist as exc:
                    raise CommandError(f"no user named {options['username']!r}") from exc
                _, secret = create_api_token(actor=user, user=user, name=options["name"])
                self.stdout.write(secret)
            else:
                token = ApiToken.objects.filter(
                    key_prefix=options["prefix"], revoked_at__isnull=True
                ).first()
                if token is None:
                    raise CommandError("no active token with that prefix")
                revoke_api_token(actor=token.user, token=token)
                self.stdout.write(f"revoked {token}")
