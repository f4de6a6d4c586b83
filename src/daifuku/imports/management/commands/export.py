"""``daifuku export [--format csv_bom|csv_cp932|csv|xlsx|vcf|json] [--output FILE]`` —
every live person (a lossless backup with ``--format json``)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from daifuku.core.context import acting
from daifuku.customers.selectors import every_live_person
from daifuku.imports import export


class Command(BaseCommand):
    help = "Export customers as CSV (Excel CP932, UTF-8 with BOM, UTF-8), xlsx, vCard or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--format", default="csv_bom", choices=sorted(export.FORMATS))
        parser.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")

    def handle(self, *args, **options):
        queryset = every_live_person()
        file_format = options["format"]
        with acting("command"):
            export.record_export(
                actor="command", file_format=file_format, count=queryset.count(), filters={}
            )
        out = sys.stdout.buffer if options["output"] == "-" else open(options["output"], "wb")  # noqa: SIM115
        try:
            for chunk in export.stream(queryset, file_format):
                out.write(chunk)
        finally:
            if out is not sys.stdout.buffer:
                out.close()
