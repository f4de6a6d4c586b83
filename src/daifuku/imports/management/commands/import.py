"""``daifuku import FILE [--target person|company|orders] [--mapping JSON|@file|saved name]
[--mode upsert] [--key email] [--dry-run] [--create-missing-customers] [--currency USD]``.

Without mapping options the suggested mapping is used (header names, vCard fields). Runs
to the end in this process with a progress bar and prints the result page's sentence
(「3 件を新規登録、0 件を更新、1 件はエラー」; a dry run adds how many new rows probably exist
already).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from daifuku.accounts.selectors import find_username
from daifuku.core.context import acting
from daifuku.core.errors import DomainError
from daifuku.imports import selectors, services

if TYPE_CHECKING:
    from daifuku.imports.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import customers (people or companies) from a CSV (UTF-8/BOM/CP932), .xlsx or vCard file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--mapping",
            default="",
            help='JSON {"column": "field"}, @file.json, or a saved mapping name',
        )
        parser.add_argument(
            "--target",
            default="person",
            choices=["person", "company", "order", "orders"],
            help="what the file holds: people (default), companies (取引先) or orders (注文履歴)",
        )
        parser.add_argument(
            "--create-missing-customers",
            action="store_true",
            help="orders: a member number nobody has becomes a customer with only that number",
        )
        parser.add_argument(
            "--currency",
            default="",
            help="orders: the currency of the amounts (JPY by default; USD reads cents)",
        )
        parser.add_argument(
            "--source",
            default="",
            help="orders: where the orders come from (order numbers are unique per source)",
        )
        parser.add_argument("--mode", default="upsert", choices=["create", "update", "upsert"])
        parser.add_argument(
            "--key",
            default="",
            choices=["", "email", "phone", "external_id", "corporate_number"],
            help="match existing customers by (default: email for people, corporate_number for companies)",
        )
        parser.add_argument("--encoding", default="", choices=["", "utf-8", "utf-8-sig", "cp932"])
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--auto-merge", action="store_true", help="merge exact duplicates into existing records"
        )
        parser.add_argument(
            "--consent-statement", default="", help="evidence for imported consent columns"
        )
        parser.add_argument(
            "--user", default="", help="username the import acts as (owner of new customers)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = self._actor(options["user"])
        try:
            with acting("command"), path.open("rb") as handle:
                data = {
                    "mode": options["mode"],
                    "match_key": options["key"],
                    "encoding": options["encoding"],
                    "dry_run": options["dry_run"],
                    "auto_merge": options["auto_merge"],
                    "consent_statement": options["consent_statement"],
                }
                if options["mapping"]:
                    data["mapping"] = self._mapping(options["mapping"])
                target = "order" if options["target"] == "orders" else options["target"]
                if target == "order":
                    data.update(
                        create_missing_customers=options["create_missing_customers"],
                        currency=options["currency"],
                        source=options["source"],
                    )
                # a refused mapping or option leaves no import and no stored file behind
                run = services.upload_and_start(
                    actor=actor,
                    file=File(handle, name=path.name),
                    name=path.name,
                    target=target,
                    data=data,
                    start_now=False,
                    startable=True,
                )
                self.stdout.write(
                    f"{run.original_name}: {run.file_format} {run.encoding or ''}".rstrip()
                )
                self.stdout.write(
                    "mapping: "
                    + ", ".join(f"{k} → {v}" for k, v in run.mapping.items() if k[:1] != "@")
                )
                # run in this process (no worker needed)
                run = services.run_here(run=run, progress=self._progress)
        except DomainError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        if self._tty:
            sys.stderr.write("\n")
        if run.target == "order":
            self._order_result(run)
        else:
            self._people_result(run)
        if run.failed_count:
            target = path.with_name(path.stem + ".failed.csv")
            try:
                target.write_bytes(services.failed_rows_csv(run))
                self.stdout.write(_("Failed rows with their reasons: %(path)s") % {"path": target})
            except OSError:
                self.stdout.write(
                    _("Failed rows: %(url)s") % {"url": f"GET /api/v1/imports/{run.pk}/failed.csv"}
                )

    def _order_result(self, run: ImportRun) -> None:
        from daifuku.imports import orders

        self.stdout.write(orders.summary(run))
        for outcome in run.outcomes.filter(action="failed").order_by("row_number")[:10]:
            self.stdout.write(
                _("Row %(row)s: %(reason)s") % {"row": outcome.row_number, "reason": outcome.reason}
            )

    def _people_result(self, run: ImportRun) -> None:
        """The result page's sentence (「3 件を新規登録、0 件を更新、1 件はエラー」)."""
        line = run.summary
        if run.duplicate_count:
            line += "、" + _("probable duplicates %(n)s") % {"n": run.duplicate_count}
        if run.dry_run:
            line = _("Dry run: %(summary)s") % {"summary": line}
        self.stdout.write(line)

    _tty = False

    def _progress(self, done: int, total: int | None) -> None:
        self._tty = sys.stderr.isatty()
        if total:
            width = 30
            filled = min(width, int(width * done / max(total, 1)))
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {done:,}/{total:,}"
        else:
            line = f"{done:,} rows"
        if self._tty:
            sys.stderr.write("\r" + line)
            sys.stderr.flush()
        else:
            self.stderr.write(line)

    def _mapping(self, value: str) -> dict:
        if value.startswith("@"):
            value = Path(value[1:]).read_text(encoding="utf-8")
        if not value.lstrip().startswith("{"):
            saved = selectors.saved_mapping_named(value)
            if saved is None:
                raise CommandError(f"no saved mapping named {value!r}")
            return saved.mapping
        try:
            mapping = json.loads(value)
        except ValueError as exc:
            raise CommandError(f"--mapping is not valid JSON: {exc}") from None
        if not isinstance(mapping, dict):
            raise CommandError("--mapping must be a JSON object {column: field}")
        return mapping

    def _actor(self, username: str):
        if not username:
            return "command"
        user = find_username(username)
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user
