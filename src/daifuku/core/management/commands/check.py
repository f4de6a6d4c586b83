"""``daifuku check``: Django's system checks, where ``--deploy`` fails on warnings too.

Django's own ``check --deploy`` lists what is unsafe for production (no HSTS, a weak
secret key…) as warnings and still exits 0, so a deployment script that runs it passes
whatever it says. Here ``--deploy`` fails on a warning (``--fail-level WARNING``) unless
``--fail-level`` says otherwise (``ERROR`` to fail on errors only)."""

from __future__ import annotations

from django.core.management.commands.check import Command as DjangoCheck


class Command(DjangoCheck):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "fail_level":
                action.default = None
                action.help = (
                    "Message level that makes the command exit with a non-zero status: "
                    "WARNING with --deploy, ERROR otherwise."
                )

    def handle(self, *app_labels, **options):
        if options.get("fail_level") is None:
            options["fail_level"] = "WARNING" if options.get("deploy") else "ERROR"
        return super().handle(*app_labels, **options)
