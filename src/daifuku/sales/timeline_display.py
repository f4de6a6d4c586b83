"""A deal's audit trail as the business events people read on its timeline:
「商談を作成しました」, 「明細を追加しました: 保守 × 2」, 「金額: ¥1,000,000 → ¥1,200,000」 —
field names by their labels, values as a person reads them (yen, percent, dates, names,
choice labels), internal bookkeeping fields never shown.

Kept in sales (not in core's generic audit display) because only sales knows which of its
fields are internal and what a line item or a deal role means."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from .models import DealStatus, ForecastCategory, TaxCategory

EMPTY = "—"

# What people call the deal's fields; a field not listed here is bookkeeping and not shown
# (amount_from_lines, probability_overridden, stalled_* …).
DEAL_FIELDS = {
    "title": pgettext_lazy("deal", "Title"),
    "company": pgettext_lazy("deal", "Company"),
    "person": pgettext_lazy("deal", "Person"),
    "owner": pgettext_lazy("deal", "Owner"),
    "team": pgettext_lazy("deal", "Team"),
    "pipeline": pgettext_lazy("deal", "Pipeline"),
    "stage": pgettext_lazy("deal", "Stage"),
    "status": pgettext_lazy("deal", "Status"),
    "amount": pgettext_lazy("deal", "Amount"),
    "expected_close": pgettext_lazy("deal", "Expected close date"),
    "probability": pgettext_lazy("deal", "Probability"),
    "forecast_category": pgettext_lazy("deal", "Forecast category"),
    "source": pgettext_lazy("deal", "Source"),
    "competitors": pgettext_lazy("deal", "Competitors"),
    "description": pgettext_lazy("deal", "Description"),
    "close_reason": pgettext_lazy("deal", "Won/lost note"),
    "lost_reason": pgettext_lazy("deal", "Lost reason"),
}
LINE_FIELDS = {
    "name": pgettext_lazy("line item", "Item"),
    "product": pgettext_lazy("line item", "Product"),
    "quantity": pgettext_lazy("line item", "Quantity"),
    "unit_price": pgettext_lazy("line item", "Unit price"),
    "tax_category": pgettext_lazy("line item", "Tax"),
}
CONTACT_FIELDS = {"role": pgettext_lazy("deal contact", "Role")}
YEN_FIELDS = {"amount", "unit_price", "total"}
CHOICES = {"status": DealStatus, "forecast_category": ForecastCategory, "tax_category": TaxCategory}
# foreign keys shown by name: field → (app label, model name)
NAMED = {
    "company": ("customers", "Company"),
    "person": ("customers", "Person"),
    "owner": ("accounts", "User"),
    "team": ("accounts", "Team"),
    "pipeline": ("sales", "Pipeline"),
    "stage": ("sales", "Stage"),
    "product": ("commerce", "Product"),
    "lost_reason": ("sales", "LostReason"),
}


@dataclass(frozen=True)
class Event:
    title: str
    lines: list[str] = field(default_factory=list)


def _model(key: tuple[str, str]):
    from django.apps import apps

    try:
        return apps.get_model(*key)
    except LookupError:
        return None


def _names(entries) -> dict[tuple[str, str], dict[int, str]]:
    """Names of every related row the entries mention, one query per related model."""
    wanted: dict[tuple[str, str], set[int]] = defaultdict(set)
    for entry in entries:
        for name, pair in (entry.changes or {}).items():
            if name in NAMED and isinstance(pair, (list, tuple)):
                wanted[NAMED[name]].update(
                    v for v in pair if isinstance(v, int) and not isinstance(v, bool)
                )
    names = {}
    for key, ids in wanted.items():
        model = _model(key)
        manager = getattr(model, "all_objects", None) or model._default_manager if model else None
        names[key] = (
            {obj.pk: _display_name(obj) for obj in manager.filter(pk__in=ids)} if manager else {}
        )
    return names


def _display_name(obj) -> str:
    return str(getattr(obj, "display_name", "") or obj)


def value_text(name: str, value: Any, names: dict) -> str:
    """One stored value as a person reads it."""
    if value in (None, "", []):
        return EMPTY
    if name in NAMED:
        return names.get(NAMED[name], {}).get(value, EMPTY)
    if name in YEN_FIELDS and isinstance(value, int):
        return f"¥{value:,}"
    if name == "probability":
        return f"{value}%"
    if name in CHOICES:
        return str(dict(CHOICES[name].choices).get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _changes(entry, labels: dict, names: dict, *, creating: bool) -> list[str]:
    lines = []
    for name, label in labels.items():
        pair = (entry.changes or {}).get(name)
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        old, new = (value_text(name, v, names) for v in pair)
        if creating:
            if new not in (EMPTY, "¥0"):  # what the deal starts with, not its blanks
                lines.append(f"{label}: {new}")
        elif old != new:
            lines.append(f"{label}: {old} → {new}")
    return lines


def _new(entry, name: str, default: Any = None) -> Any:
    pair = (entry.changes or {}).get(name)
    return pair[1] if isinstance(pair, (list, tuple)) and len(pair) == 2 else default


def _old(entry, name: str, default: Any = None) -> Any:
    pair = (entry.changes or {}).get(name)
    return pair[0] if isinstance(pair, (list, tuple)) and len(pair) == 2 else default


def _line_event(entry, names) -> Event:
    source = _old if entry.action == "delete" else _new
    item = source(entry, "name") or entry.object_repr
    quantity = source(entry, "quantity")
    what = f"{item} × {quantity}" if quantity else item
    if entry.action == "create":
        return Event(
            pgettext("timeline", "Line item added: %(item)s") % {"item": what},
            [
                f"{LINE_FIELDS['unit_price']}: {value_text('unit_price', _new(entry, 'unit_price'), names)}"
            ],
        )
    if entry.action == "delete":
        return Event(pgettext("timeline", "Line item removed: %(item)s") % {"item": what})
    return Event(
        pgettext("timeline", "Line item changed: %(item)s") % {"item": entry.object_repr},
        _changes(entry, LINE_FIELDS, names, creating=False),
    )


def _contact_event(entry, names) -> Event:
    who = entry.object_repr.split(" (")[0] if entry.object_repr else EMPTY
    person = _new(entry, "person") or _old(entry, "person")
    who = names.get(NAMED["person"], {}).get(person, who)
    role = _new(entry, "role") or ""
    if entry.action == "create":
        title = pgettext("timeline", "Person involved added: %(person)s") % {"person": who}
        return Event(f"{title}（{role}）" if role else title)
    if entry.action == "delete":
        return Event(pgettext("timeline", "Person involved removed: %(person)s") % {"person": who})
    return Event(
        pgettext("timeline", "Role changed: %(person)s") % {"person": who},
        _changes(entry, CONTACT_FIELDS, names, creating=False),
    )


def _deal_event(entry, names) -> Event:
    if entry.action == "create":
        return Event(
            pgettext("timeline", "Deal created"),
            _changes(
                entry,
                {k: DEAL_FIELDS[k] for k in ("stage", "amount", "expected_close")},
                names,
                creating=True,
            ),
        )
    if entry.action == "stalled":
        reason = _new(entry, "stalled_reason")
        return Event(
            pgettext("timeline", "Flagged as stalled"),
            [
                _("Longer in this stage than its limit.")
                if reason == "rotting"
                else _("No touch for a while.")
            ],
        )
    return Event(
        pgettext("timeline", "Deal changed"), _changes(entry, DEAL_FIELDS, names, creating=False)
    )


def events_for(entries) -> dict[int, Event]:
    """``{entry.pk: Event}`` for audit entries of a deal and of its lines, roles and quotes."""
    entries = list(entries)
    names = _names(entries)
    result = {}
    for entry in entries:
        if entry.object_type == "sales.lineitem":
            event = _line_event(entry, names)
        elif entry.object_type == "sales.dealcontact":
            event = _contact_event(entry, names)
        elif entry.object_type == "sales.quote":
            total = pgettext("quote", "Total")
            event = Event(
                pgettext("timeline", "Quote issued: %(number)s") % {"number": entry.object_repr},
                [f"{total}: {value_text('total', _new(entry, 'total'), names)}"],
            )
        elif entry.object_type == "sales.deal":
            event = _deal_event(entry, names)
        else:
            event = Event(entry.object_repr or EMPTY)
        result[entry.pk] = event
    return result


__all__ = ["DEAL_FIELDS", "Event", "events_for", "value_text"]
