"""``daifuku bounces``: bounces and complaints by hand or as a service.

daifuku bounces --listen 127.0.0.1:2525   receive DSN/ARF reports by SMTP until stopped
daifuku bounces --poll                    read the IMAP bounce mailbox once
daifuku bounces FILE.eml …                record saved messages (a report forwarded by hand)
"""

from __future__ import annotations

import signal
import threading

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from daifuku.marketing.feedback import imap, intake, smtp


def _host_port(value: str) -> tuple[str, int]:
    host, _sep, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(_("--listen takes HOST:PORT, e.g. 127.0.0.1:2525"))
    return host.strip("[]"), int(port)


class Command(BaseCommand):
    help = "Record bounces and complaints: an SMTP receiver, the IMAP mailbox, or files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="saved messages (.eml) to record")
        parser.add_argument("--listen", metavar="HOST:PORT", help="receive reports by SMTP")
        parser.add_argument("--poll", action="store_true", help="read the IMAP mailbox once")

    def handle(self, *args, **options):
        if options["listen"]:
            return self._listen(*_host_port(options["listen"]))
        if options["poll"]:
            box = imap.MailboxSettings.from_settings()
            if box is None:
                raise CommandError(_("Set DAIFUKU_BOUNCE_IMAP_HOST to read a bounce mailbox."))
            result = imap.poll(box)
            self.stdout.write(
                _("%(read)s messages read: %(outcomes)s; %(left)s left in the mailbox")
                % {"read": result.read, "outcomes": dict(result.outcomes), "left": result.left}
            )
            return
        if not options["files"]:
            raise CommandError(_("Give --listen HOST:PORT, --poll or message files."))
        for path in options["files"]:
            with open(path, "rb") as handle:
                outcome = intake.process(handle.read())
            self.stdout.write(f"{path}: {outcome.outcome} ({outcome.format})")

    def _listen(self, host: str, port: int) -> None:
        try:
            tls = smtp.tls_from_settings()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        receiver = smtp.controller(host, port, tls=tls)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_args: stop.set())
        receiver.start()
        self.stdout.write(
            _("Receiving bounces on %(host)s:%(port)s") % {"host": host, "port": port}
        )
        if tls[0] is not None:
            self.stdout.write(
                _("STARTTLS required before mail is accepted") if tls[1] else _("STARTTLS offered")
            )
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            receiver.stop()
