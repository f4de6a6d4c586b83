"""Importing an order history (注文履歴) — an EC cart's or a till's export — through the
import pipeline: ``daifuku import FILE --target order`` and the import screen's 「注文」.

* The rows of one order number are grouped into one order: a file may hold one row per
  order (番号, 会員番号, 注文日, 金額) or one row per line (… 商品コード, 数量, 単価, 税率).
  A file without order numbers (the CDNOW sample) gets them from the customer, the date
  and the row's place among that customer's rows of that day — the same for the same file.
* Each order's customer is found by 会員番号, e-mail or phone (in that order of trust);
  with ``create_missing_customers`` a member number nobody has becomes a new customer
  who has only that number (EC exports often carry nothing else).
* Orders go through commerce's ``record_imported_orders`` — the same rules and tax as an
  order from the API (``record_order``), written a batch at a time — and are idempotent by
  number within the import's source: the same file twice records nothing the second time.
  Analytics recomputes the customers once after the last batch; ``order.recorded`` comes
  for each order from a job each batch queues (docs/imports.md, "Orders").
* Amounts are read in the import's currency (``currency``; yen unless set): an amount with
  cents is stored in cents and the order's source says the currency (commerce.maths.currency).
* Per-row errors name the row as Excel shows it (the header is row 1); an order with a
  bad row fails as a whole, the others are recorded. Undo removes the orders the run
  recorded (those with a return since are kept) and the customers it created for them.

The run's options travel in its mapping under keys starting with ``@`` (a header never
does), so an order import needs no column of its own on the import run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daifuku.commerce import selectors as commerce_selectors
from daifuku.commerce import services as commerce_services
from daifuku.commerce.maths import currency as currencies
from daifuku.commerce.services.orders import IMPORT_RATES
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.japanese import normalize_email, normalize_phone
from daifuku.customers import selectors as customer_selectors
from daifuku.customers import services as customer_services
from daifuku.customers.validation import clean_member_number

from . import mapping as mapping_module
from . import orders_mapping
from .models import ImportBatch, ImportRowOutcome, ImportRun
from .prepare import _message
from .readers import open_table, undecodable

TARGET = "order"  # ImportRun.target of an order import (targets.ORDER_TARGET)
OPTION = "@"  # mapping keys that are the run's options, not headers
DEFAULT_SOURCE = "import"
# translated only when a row fails (a gettext per line cost 6 % of a large import)
AMOUNT_LABEL = gettext_lazy("Amount")
UNIT_PRICE_LABEL = gettext_lazy("Unit price")
# Orders per transaction: each commit costs a sync to disk (51 ms each on the shared
# machine, 88 of them for 100,000 lines at 500 orders a batch).
BATCH = 2000


# -- options ---------------------------------------------------------------------------


def options(run: ImportRun) -> dict[str, Any]:
    """``create_missing_customers``, ``currency`` and ``source`` of an order import."""
    saved = run.mapping or {}
    return {
        "create_missing_customers": saved.get(OPTION + "create_missing_customers") == "1",
        "currency": saved.get(OPTION + "currency") or currencies.HOME,
        "source": saved.get(OPTION + "source") or DEFAULT_SOURCE,
    }


def columns(run: ImportRun) -> dict[str, str]:
    """``{header: field}`` without the options."""
    return {k: v for k, v in (run.mapping or {}).items() if not k.startswith(OPTION)}


def initial_mapping(headers: list[str]) -> dict[str, str]:
    return orders_mapping.suggest(headers)


def configure(run: ImportRun, data: dict[str, Any], headers: list[str]) -> None:
    """Check and set an order import's mapping and options (the caller saves the run)."""
    errors: dict[str, list[str]] = {}
    column_mapping = columns(run)
    if "mapping" in data and data["mapping"] is not None:
        column_mapping = {
            str(k): str(v)
            for k, v in dict(data["mapping"]).items()
            if v and not str(k).startswith(OPTION)
        }
        unknown = sorted(v for v in column_mapping.values() if v not in orders_mapping.ORDER_FIELDS)
        if unknown:
            errors["mapping"] = [_("Unknown field: %(fields)s.") % {"fields": ", ".join(unknown)}]
        missing = sorted(h for h in column_mapping if h not in headers)
        if missing:
            errors.setdefault("mapping", []).append(
                _("No such column: %(columns)s.") % {"columns": ", ".join(missing)}
            )
    chosen = {**options(run)}
    if data.get("create_missing_customers") is not None:
        chosen["create_missing_customers"] = bool(data["create_missing_customers"])
    if data.get("currency"):
        code = str(data["currency"]).strip().upper()
        if code not in currencies.MINOR_DIGITS:
            errors["currency"] = [
                _("Unknown currency. Use one of: %(codes)s.")
                % {"codes": ", ".join(currencies.MINOR_DIGITS)}
            ]
        chosen["currency"] = code
    if data.get("source"):
        chosen["source"] = str(data["source"]).strip()[:30] or DEFAULT_SOURCE
    fields = set(column_mapping.values())
    if not fields & set(orders_mapping.CUSTOMER_KEYS):
        errors.setdefault("mapping", []).append(
            _("Map the column that names the customer: member number, email or phone.")
        )
    if "ordered_at" not in fields:
        errors.setdefault("mapping", []).append(_("Map the column of the order date."))
    if not fields & {"amount", "unit_price", "sku"}:
        errors.setdefault("mapping", []).append(
            _("Map the column of the amount (or the unit price of each line).")
        )
    if errors:
        raise ValidationFailed(errors)
    run.mapping = {
        **column_mapping,
        OPTION + "create_missing_customers": "1" if chosen["create_missing_customers"] else "",
        OPTION + "currency": chosen["currency"],
        OPTION + "source": chosen["source"],
    }


# -- reading ---------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    raw: list[str]
    data: dict[str, str]


@dataclass
class _Order:
    number: str
    rows: list[_Row] = field(default_factory=list)


def _grouped(run: ImportRun) -> tuple[list[_Order], list[_Row]]:
    """The file's orders (rows of one number together, in the file's order) and the rows
    that cannot be read at all."""
    table = open_table(run.file.path, run.file_format, run.encoding)
    plan = mapping_module.compile_mapping(table.headers, columns(run), orders_mapping.ORDER_FIELDS)
    orders: dict[str, _Order] = {}
    unreadable: list[_Row] = []
    seen_days: dict[str, int] = {}
    for number, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue
        data = {name: cells[index].strip() for index, name in plan if index < len(cells)}
        row = _Row(number, cells, data)
        if undecodable(cells):
            unreadable.append(row)
            continue
        key = data.get("order_number", "")
        if not key:  # no number: the customer, the day and its place among that day's rows
            who = data.get("member_number") or data.get("email") or data.get("phone") or "?"
            day = data.get("ordered_at", "")
            base = f"{who}-{day}".replace(" ", "")[:50]
            seen_days[base] = seen_days.get(base, 0) + 1
            key = f"{base}-{seen_days[base]}"
        orders.setdefault(key, _Order(key)).rows.append(row)
    return list(orders.values()), unreadable


# -- writing ---------------------------------------------------------------------------


class _Failed(Exception):
    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message, self.row = message, row


class _Writer:
    def __init__(self, run: ImportRun, actor) -> None:
        self.run, self.actor = run, actor
        self.options = options(run)
        self.currency = self.options["currency"]
        self.source = currencies.source_for(self.options["source"], self.currency)
        self.default_rate = 10 if self.currency == currencies.HOME else 0
        self.counts = {"created": 0, "unchanged": 0, "failed": 0, "customers": 0}
        self.created_people: dict[str, int] = {}  # member number → person created by this run
        # customers with new orders: analytics refreshes them once after the last batch
        self.touched: dict[tuple[str, int], None] = {}
        self.zone = timezone.get_current_timezone()

    def write(self, batch: list[_Order]) -> tuple[list[ImportRowOutcome], list[int]]:
        """One batch of orders: what each row says is read first (dates, amounts, lines),
        then the customers are found (or created), then commerce records the batch.
        Returns the outcomes to keep (failed rows, orders whose customer the run created)
        and the ids of the orders recorded."""
        done = commerce_selectors.recorded_numbers(self.source, [o.number for o in batch])
        first = [o.rows[0].data for o in batch if o.number not in done]
        members = customer_selectors.ids_by_member_number(
            self.actor, [d.get("member_number", "") for d in first]
        )
        emails = customer_selectors.ids_by_email(self.actor, [d.get("email", "") for d in first])
        phones = customer_selectors.ids_by_phone(self.actor, [d.get("phone", "") for d in first])
        codes = {r.data.get("sku", "") for o in batch for r in o.rows}
        products = commerce_selectors.products_by_code(codes)
        outcomes: list[ImportRowOutcome] = []
        wanted: list[tuple[_Order, dict[str, Any], int, bool]] = []
        for order in batch:
            if order.number in done:  # counted only: a file imported again keeps no row
                self.counts["unchanged"] += 1
                continue
            try:
                values = self._values(order, products)
                person_id = self._customer(order.rows[0], members, emails, phones)
                created_person = person_id is None
                if person_id is None:
                    person_id = self._create_customer(order.rows[0])
            except _Failed as failure:
                outcomes.extend(self._failed(order, failure))
                continue
            wanted.append((order, values, person_id, created_person))
        results = commerce_services.record_imported_orders(
            actor=self.actor,
            source=self.source,
            orders=[  # the ids come from the selectors above, in the actor's sight
                {**values, "number": order.number, "person_id": person_id}
                for order, values, person_id, _c in wanted
            ],
            note=f"import {self.run.batch_id}",
            touched=self.touched,
        )
        created: list[int] = []
        for (order, _values, person_id, created_person), result in zip(
            wanted, results, strict=True
        ):
            if result.error is not None:
                outcomes.extend(self._failed(order, _Failed(_message(result.error))))
            elif result.created and result.order_id is not None:
                self.counts["created"] += 1
                created.append(result.order_id)
                if created_person:  # undo takes the customer back with the order
                    outcomes.append(
                        self._outcome(
                            order.rows[0],
                            "created",
                            person_id=person_id,
                            changes={
                                "order_id": result.order_id,
                                "number": order.number,
                                "customer_created": True,
                            },
                        )
                    )
            else:  # recorded meanwhile by someone else with the same number
                self.counts["unchanged"] += 1
        return outcomes, created

    def _failed(self, order: _Order, failure: _Failed) -> list[ImportRowOutcome]:
        """Every row of a refused order fails; the others name the row at fault."""
        self.counts["failed"] += len(order.rows)
        outcomes = []
        for row in order.rows:
            reason = failure.message
            if failure.row is not None and failure.row != row.number:
                reason = _("Row %(row)s of the same order: %(reason)s") % {
                    "row": failure.row,
                    "reason": failure.message,
                }
            outcomes.append(self._outcome(row, "failed", reason=reason))
        return outcomes

    def _outcome(self, row: _Row, action: str, **values) -> ImportRowOutcome:
        raw = row.raw if action == "failed" else []
        return ImportRowOutcome(
            run=self.run, row_number=row.number, action=action, raw=raw, **values
        )

    def _customer(self, row: _Row, members, emails, phones) -> int | None:
        data = row.data
        number = clean_member_number(data.get("member_number"))
        candidates: list[int] = []
        if number:
            candidates = members.get(number, []) or (
                [self.created_people[number]] if number in self.created_people else []
            )
        if not candidates and data.get("email"):
            candidates = emails.get(normalize_email(data["email"]), [])
        if not candidates and data.get("phone"):
            phone = normalize_phone(data["phone"])
            candidates = phones.get(phone.e164, []) if phone else []
        if len(candidates) > 1:
            raise _Failed(
                _(
                    "More than one customer has this member number, email or phone: merge them "
                    "in 名寄せ first (ids %(ids)s)."
                )
                % {"ids": ", ".join(str(pk) for pk in candidates[:5])},
                row.number,
            )
        if candidates:
            return candidates[0]
        if number and self.options["create_missing_customers"]:
            return None
        if number:
            raise _Failed(_("No customer has this member number."), row.number)
        raise _Failed(_("No customer has this email or phone number."), row.number)

    def _create_customer(self, row: _Row) -> int:
        """A customer who has only a member number (and what else the row says of them)."""
        number = clean_member_number(row.data.get("member_number"))
        name = row.data.get("customer_name", "").strip()
        data: dict[str, Any] = {
            "member_number": number,
            "family_name": name or _("Member %(number)s") % {"number": number},
            "source_channel": "import",
            "lifecycle": "customer",
        }
        if row.data.get("email"):
            data["emails"] = [row.data["email"]]
        if row.data.get("phone"):
            data["phones"] = [row.data["phone"]]
        try:
            with transaction.atomic():
                person = customer_services.create_person(actor=self.actor, data=data)
        except ValidationFailed as exc:
            raise _Failed(_message(exc), row.number) from exc
        self.created_people[number] = person.pk
        self.counts["customers"] += 1
        return person.pk

    def _amount(self, text: str, row: _Row, label: str) -> int:
        try:
            return currencies.to_minor(text, self.currency)
        except ValueError:
            places = currencies.digits(self.currency)
            raise _Failed(
                _(
                    "%(label)s: “%(value)s” is not an amount in %(currency)s "
                    "(at most %(places)d decimals)."
                )
                % {"label": label, "value": text, "currency": self.currency, "places": places},
                row.number,
            ) from None

    def _values(self, order: _Order, products) -> dict[str, Any]:
        """What commerce records for the order: date, channel, store, lines or total."""
        head = order.rows[0]
        try:
            ordered_at = orders_mapping.parse_ordered_at(head.data.get("ordered_at", ""))
        except ValueError:
            raise _Failed(
                _("Order date: “%(value)s” is not a date (YYYYMMDD, YYYY/MM/DD or ISO 8601).")
                % {"value": head.data.get("ordered_at", "")},
                head.number,
            ) from None
        if not isinstance(ordered_at, dt.datetime):  # that day in Japan, the zone read once
            ordered_at = dt.datetime.combine(ordered_at, dt.time(), tzinfo=self.zone)
        values: dict[str, Any] = {
            "ordered_at": ordered_at,
            "channel": head.data.get("channel") or None,
            "store": head.data.get("store", ""),
        }
        has_lines = any(r.data.get(name) for r in order.rows for name in orders_mapping.LINE_FIELDS)
        if has_lines:
            values["lines"] = [self._line(r, products) for r in order.rows]
            return values
        total = 0
        for row in order.rows:
            if not row.data.get("amount"):
                raise _Failed(_("Amount: enter the order's amount."), row.number)
            total += self._amount(row.data["amount"], row, AMOUNT_LABEL)
        values["total"] = total
        values["tax_rate"] = self._rate(head)
        return values

    def _rate(self, row: _Row) -> int:
        try:
            rate = orders_mapping.parse_rate(row.data.get("tax_rate", ""))
        except ValueError:
            rate = -1
        if rate is None:
            return self.default_rate
        if rate not in IMPORT_RATES:
            raise _Failed(_("Tax rate: use 10, 8 or 0 (%)."), row.number)
        return rate

    def _line(self, row: _Row, products) -> dict[str, Any]:
        data = row.data
        try:
            quantity = orders_mapping.parse_quantity(data.get("quantity", ""))
        except ValueError:
            raise _Failed(_("Quantity: enter a whole number of at least 1."), row.number) from None
        product = products.get(data.get("sku", ""))
        line: dict[str, Any] = {"quantity": quantity, "tax_rate": self._rate(row)}
        if product is not None:
            line["product"] = product
            if data.get("product_name"):
                line["name"] = data["product_name"]
        else:
            line["name"] = data.get("product_name") or data.get("sku") or _("Item")
        if data.get("unit_price"):
            line["unit_price"] = self._amount(data["unit_price"], row, UNIT_PRICE_LABEL)
        elif data.get("amount"):
            amount = self._amount(data["amount"], row, AMOUNT_LABEL)
            if amount % quantity:
                raise _Failed(
                    _(
                        "Amount: %(amount)s cannot be divided by the quantity %(quantity)d; "
                        "map the unit price."
                    )
                    % {"amount": data["amount"], "quantity": quantity},
                    row.number,
                )
            line["unit_price"] = amount // quantity
        elif product is None:
            raise _Failed(_("Unit price: enter the price or a product code."), row.number)
        return line


def execute(
    run: ImportRun, *, actor, progress: Callable[..., None] | None = None, total: int | None = None
) -> ImportRun:
    """Import ``run``'s order file; counts on the run (orders created / already recorded,
    rows failed), outcomes stored."""
    orders, unreadable = _grouped(run)
    writer = _Writer(run, actor)
    bad = [
        writer._outcome(
            row, "failed", reason=_("The row holds characters the file's encoding cannot show.")
        )
        for row in unreadable
    ]
    writer.counts["failed"] += len(bad)
    ImportRowOutcome.objects.bulk_create(bad)
    lines = len(unreadable)
    rows_total = sum(len(o.rows) for o in orders) + lines
    for number, start in enumerate(range(0, len(orders), BATCH), start=1):
        batch = orders[start : start + BATCH]
        with transaction.atomic():
            outcomes, created = writer.write(batch)
            ImportRowOutcome.objects.bulk_create(outcomes, batch_size=1000)
            _remember(run, number, batch, created)
        lines += sum(len(o.rows) for o in batch)
        if progress:
            progress(lines, rows_total)
    # what depends on the customers' orders (analytics' figures, ranks, running totals):
    # once for the whole file, each customer from all their orders — per batch, a customer
    # in every batch was recomputed from all their orders every time
    commerce_services.refresh_imported_customers(writer.touched)
    ImportRun.objects.filter(pk=run.pk).update(
        total_rows=rows_total,
        created_count=writer.counts["created"],
        updated_count=0,
        failed_count=writer.counts["failed"],
        unchanged_count=writer.counts["unchanged"],
        merged_count=0,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _remember(run: ImportRun, number: int, batch: list[_Order], created: list[int]) -> None:
    """What undo needs of a batch: the orders it recorded have consecutive ids (reserved by
    commerce for the batch), so a range; otherwise (an order recorded one by one after a
    concurrent sender) each id, as a row outcome."""
    if not created:
        return
    rows = [r.number for o in batch for r in o.rows]
    low, high = min(created), max(created)
    if high - low + 1 == len(created):
        ImportBatch.objects.create(
            run=run,
            number=number,
            first_row=min(rows),
            last_row=max(rows),
            created_first_id=low,
            created_last_id=high,
            created_count=len(created),
        )
        return
    ImportRowOutcome.objects.bulk_create(
        ImportRowOutcome(run=run, row_number=0, action="created", changes={"order_id": pk})
        for pk in created
    )


def summary(run: ImportRun) -> str:
    """「注文 12 件を登録、3 件は登録済み、1 行はエラー」 and the customers it created."""
    text = _(
        "%(created)s orders recorded, %(unchanged)s already recorded, %(failed)s rows failed"
    ) % {
        "created": f"{run.created_count:,}",
        "unchanged": f"{run.unchanged_count:,}",
        "failed": f"{run.failed_count:,}",
    }
    customers = run.outcomes.filter(changes__customer_created=True).count()
    if customers:
        text += _(", %(count)s customers created with their member number") % {
            "count": f"{customers:,}"
        }
    return text


def undo(run: ImportRun, actor, job=None) -> dict:
    """Remove the orders the run recorded (those with a return since are kept), then the
    customers it created for them when no other order is theirs."""
    created = list(run.outcomes.filter(action="created").values_list("changes", "person_id"))
    order_ids = {changes["order_id"] for changes, _pk in created if "order_id" in changes}
    for low, high in run.batches.exclude(created_first_id=None).values_list(
        "created_first_id", "created_last_id"
    ):
        order_ids.update(range(low, high + 1))
    removed, kept = commerce_services.remove_imported_orders(
        actor=actor,
        order_ids=order_ids,
        source=currencies.source_for(options(run)["source"], options(run)["currency"]),
        note=f"undo of import {run.batch_id}",
    )
    people_removed = 0
    new_people = {pk for changes, pk in created if changes.get("customer_created") and pk}
    for person in customer_selectors.people_queryset(actor).filter(pk__in=new_people):
        if person.orders.exists():
            continue
        try:
            customer_services.delete_person(actor=actor, person=person)
            people_removed += 1
        except DomainError:
            pass  # no longer the undoer's to delete
    return {"orders_removed": removed, "orders_kept": kept, "customers_removed": people_removed}
