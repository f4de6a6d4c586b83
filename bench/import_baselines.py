"""django-import-export importing the benchmark's CSV, the two ways the import benchmark
compares against (ADR 0005).

* :func:`through_services` — the same import: every row upserted by e-mail through the
  ledger's own services (``create_person`` / ``update_person``: validation, normalisation,
  e-mails, phones, stage history, search index, audit), as a Django developer wiring
  django-import-export into this application would have to — docs/architecture.md makes the services
  the only write path. The goal's ratio is read against this one.
* :func:`bare_rows` — django-import-export writing bare ``Person`` rows from seven columns
  (no e-mails, phones, search index, normalisation or matching: far less work than the
  import it is compared with). Reported beside it, labelled.

Both run inside one transaction that is rolled back, like ours in the comparison.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from django.db import transaction

ACTOR = "bench"  # the system actor our importer runs as in the benchmark
GENDERS = {"男": "male", "女": "female"}


def _rows(path: Path, limit: int) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="cp932", newline="") as handle:
        reader = csv.reader(handle)
        headers = next(reader)
        rows = []
        for row in reader:
            if len(rows) >= limit:
                break
            rows.append(row)
    return headers, rows


def _timed(resource, data) -> tuple[object, float]:
    with transaction.atomic():
        started = time.perf_counter()
        result = resource.import_data(data, dry_run=False, raise_errors=False)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return result, seconds


def through_services(path: Path, limit: int) -> dict:
    """django-import-export doing this import: a ModelResource whose rows are matched by
    their e-mail address and written by ``create_person`` / ``update_person``. Generous
    to it: ``skip_diff`` (no per-row before/after copy), no admin log."""
    import tablib
    from django.core.exceptions import ValidationError
    from import_export import resources

    from daifuku.core.errors import DomainError, ValidationFailed
    from daifuku.core.japanese import normalize_email
    from daifuku.customers.models import Person
    from daifuku.customers.services import create_person, update_person

    class PersonThroughServices(resources.ModelResource):
        class Meta:
            model = Person
            fields = ()  # the service sets every field
            import_id_fields = ()
            skip_diff = True

        def get_instance(self, instance_loader, row):
            address = normalize_email(row.get("メールアドレス") or "")
            if not address:
                return None
            return (
                Person.objects.filter(emails__address=address, deleted_at__isnull=True)
                .order_by("pk")
                .first()
            )

        def save_instance(self, instance, is_create, row, **kwargs):
            data = _service_data(row)
            try:
                if is_create:
                    create_person(actor=ACTOR, data=data)
                else:
                    update_person(actor=ACTOR, person=instance, data=data)
            except ValidationFailed as exc:
                raise ValidationError(exc.errors) from exc
            except DomainError as exc:
                raise ValidationError(str(exc.message)) from exc

    headers, rows = _rows(path, limit)
    result, seconds = _timed(PersonThroughServices(), tablib.Dataset(*rows, headers=headers))
    return {
        "rows": len(rows),
        "created": result.totals.get("new", 0),
        "updated": result.totals.get("update", 0),
        "invalid": result.totals.get("invalid", 0),
        "errors": result.totals.get("error", 0),
        "seconds": round(seconds, 2),
    }


def _service_data(row: dict) -> dict:
    """The service's data for one CSV row, as the developer would map it by hand."""
    family, _sp, given = (row.get("氏名") or "").partition(" ")
    family_kana, _sp, given_kana = (row.get("フリガナ") or "").partition(" ")
    data = {
        "family_name": family,
        "given_name": given,
        "family_kana": family_kana,
        "given_kana": given_kana,
        "postal_code": row.get("郵便番号") or "",
        "prefecture": row.get("都道府県") or "",
        "city": row.get("市区町村") or "",
        "address_line": row.get("番地") or "",
        "building": row.get("建物名") or "",
        "birthday": row.get("生年月日") or None,
        "gender": GENDERS.get(row.get("性別") or "", ""),
        "notes": row.get("備考") or "",
        "source_channel": "import",
    }
    if row.get("メールアドレス"):
        data["emails"] = [row["メールアドレス"]]
    if row.get("電話番号"):
        data["phones"] = [row["電話番号"]]
    return data


def bare_rows(path: Path, limit: int) -> dict:
    """django-import-export: a ModelResource over seven person columns (e-mails and phones
    live in their own tables, which this resource does not write — it does far less)."""
    import tablib
    from import_export import fields, resources

    from daifuku.customers.models import Person

    class PersonResource(resources.ModelResource):
        family_name = fields.Field(attribute="family_name", column_name="姓")
        given_name = fields.Field(attribute="given_name", column_name="名")
        family_kana = fields.Field(attribute="family_kana", column_name="セイ")
        given_kana = fields.Field(attribute="given_kana", column_name="メイ")
        postal_code = fields.Field(attribute="postal_code", column_name="郵便番号")
        city = fields.Field(attribute="city", column_name="市区町村")
        address_line = fields.Field(attribute="address_line", column_name="番地")

        class Meta:
            model = Person
            fields = (
                "family_name",
                "given_name",
                "family_kana",
                "given_kana",
                "postal_code",
                "city",
                "address_line",
            )
            import_id_fields = ()

        def get_instance(self, instance_loader, row):
            return None  # create only: the resource cannot match people by email

    data = tablib.Dataset(headers=["姓", "名", "セイ", "メイ", "郵便番号", "市区町村", "番地"])
    for row in _rows(path, limit)[1]:
        family, _sp, given = row[0].partition(" ")
        family_kana, _sp, given_kana = row[1].partition(" ")
        data.append(
            [family, given, family_kana, given_kana, row[4].replace("-", ""), row[6], row[7]]
        )
    result, seconds = _timed(PersonResource(), data)
    return {
        "rows": len(data),
        "created": result.totals.get("new", 0),
        "errors": result.totals.get("error", 0),
        "seconds": round(seconds, 2),
    }
