"""Segments as a user sees them, and the people in them as that user may see them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from daifuku.accounts.permissions import VIEW, restrict
from daifuku.core.pagination import Page, keyset_page
from daifuku.customers.models import Company, Contact, Person

from .. import conditions
from ..models import Segment


def segments_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Segment.objects.all(), user, action)


def list_segments(user) -> list[Segment]:
    return list(segments_queryset(user).select_related("owner").order_by("name", "id"))


def segment_choices(user) -> list[tuple[int, str]]:
    return list(segments_queryset(user).order_by("name").values_list("pk", "name"))


def get_segment(user, pk, action: str = VIEW) -> Segment:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = list(segments_queryset(user, action).select_related("owner").filter(pk=pk)[:1])
    if not found:
        raise Http404
    return found[0]


def members_queryset(user, segment: Segment) -> QuerySet:
    """The people of ``segment`` that ``user`` may read (the segment itself is the
    organisation's; what it shows is each reader's)."""
    return restrict(Person.objects.all(), user, VIEW).filter(conditions.segment_q(segment))


def count_members(user, segment: Segment, kind: str = "person") -> int:
    if kind == "company":
        return member_companies_queryset(user, segment).order_by().count()
    return members_queryset(user, segment).order_by().count()


def member_companies_queryset(user, segment: Segment) -> QuerySet:
    """The companies (法人顧客) reached through the segment: those of which a member is a
    key person (キーパーソン), that ``user`` may read. A segment holds people — consent and
    an address belong to a person — and a company is addressed through its key persons."""
    key_people = Contact.objects.filter(
        is_key_person=True, person__in=members_queryset(user, segment)
    )
    return restrict(Company.objects.all(), user, VIEW).filter(
        pk__in=key_people.values("company_id")
    )


def count_rules(user, rules) -> int:
    """How many people ``user`` may read meet ``rules`` (a tree not saved yet: the live
    count of the rule builder); a ValidationFailed for a tree that does not validate."""
    group = conditions.parse(rules)
    q = conditions.compile_tree(group)
    return restrict(Person.objects.all(), user, VIEW).filter(q).order_by().count()


def member_ids_page(
    user, segment: Segment, *, cursor: str | None, size: int, kind: str = "person"
) -> Page:
    """Members in id order as ``{"type": "person", "id": …}`` (the API's cursor pages:
    stable while the segment changes under a long export); ``kind="company"``: the key
    persons' companies as ``{"type": "company", "id": …}``."""
    rows = (
        member_companies_queryset(user, segment)
        if kind == "company"
        else members_queryset(user, segment)
    )
    page = keyset_page(rows.values("id"), ["id"], cursor=cursor, size=size)
    page.items = [{"type": kind, "id": row["id"]} for row in page.items]
    return page


def narrowing_for(user, raw) -> Q | None:
    """The customer list's ``?segment=<id>``: the segment's people as a narrowing of the
    list (registered with customers' list filters), or None for no segment."""
    try:
        segment = get_segment(user, raw)
    except Http404:
        return Q(pk__in=[])
    return conditions.segment_q(segment)


def builder_fields() -> list[dict]:
    """The conditions the rule builder offers, grouped, with Japanese labels, operators
    and (for choices) the values to pick from — what the builder page and
    ``GET /api/v1/segments/fields`` show."""
    result = []
    for field in conditions.fields():
        result.append(
            {
                "key": field.key,
                "label": str(field.label),
                "group": field.group,
                "group_label": str(conditions.GROUPS[field.group]),
                "kind": field.kind,
                "operators": [
                    {"op": op, "label": str(conditions.OPERATOR_LABELS[op])}
                    for op in field.operators
                ],
                "choices": [{"value": value, "label": label} for value, label in field.choices()]
                if field.choices
                else [],
                "period": field.period,
                "unit": str(field.unit),
                "minimum": field.minimum,
                "maximum": field.maximum,
                "help": str(field.help),
            }
        )
    return result


def segment_label(user, raw) -> str:
    """What the customer list shows while narrowed to a segment."""
    from django.utils.translation import gettext as _

    try:
        segment = get_segment(user, raw)
    except Http404:
        return _("Segment: not found")
    return _("Segment: %(name)s") % {"name": segment.name}


def members_condition(segment: Segment) -> Q:
    """The segment's people as a narrowing of the customer list (``PersonFilters.within``)."""
    return conditions.segment_q(segment)


def describe_rules(segment: Segment) -> list[tuple[int, str]]:
    """The rules in words for the segment's page, as ``(depth, line)``:
    「すべてを満たす」 / 「年齢 40 歳 以上」 … Values are shown by their labels, never raw."""
    from django.utils.translation import gettext as _

    from ..models import SegmentKind

    if segment.kind == SegmentKind.STATIC:
        return []
    lines: list[tuple[int, str]] = []

    def walk(node, depth: int) -> None:
        if not isinstance(node, dict) or len(node) != 1:
            return
        mode, items = next(iter(node.items()))
        if mode not in ("all", "any") or not isinstance(items, list):
            return
        lines.append((depth, _("All of these:") if mode == "all" else _("Any of these:")))
        for item in items:
            if isinstance(item, dict) and "field" not in item:
                walk(item, depth + 1)
            elif isinstance(item, dict):
                lines.append((depth + 1, condition_text(item)))

    walk(segment.rules, 0)
    return lines


def condition_text(item: dict) -> str:
    """One condition in words: the field's label, the operator's, the value's labels."""
    from django.utils.translation import gettext as _

    field = conditions.get(str(item.get("field")))
    if field is None:
        return _("(a condition that no longer exists)")
    labels = dict(field.choices()) if field.choices else {}
    values = item.get("value")
    shown = [
        str(labels.get(v, v)) + (str(field.unit) if field.unit else "")
        for v in (values if isinstance(values, list) else [values])
        if v is not None
    ]
    sentence = conditions.OPERATOR_SENTENCES.get(str(item.get("op")))
    value = "、".join(shown)
    if sentence is None:  # an operator this version does not know: the parts as they are
        text = f"{field.label} {value}"
    else:
        text = str(sentence) % {"field": field.label, "value": value}
    if item.get("period_days"):
        text += " " + _("(last %(days)s days)") % {"days": item["period_days"]}
    return text.strip()


def selection_for(user, raw) -> tuple[str, str] | None:
    """The customer list's ``?add_to=<id>``: the button and the URL that put the chosen
    people onto a fixed list the user may change (registered with customers' list)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from daifuku.accounts.permissions import CHANGE

    try:
        segment = get_segment(user, raw, CHANGE)
    except Http404:
        return None
    if not segment.is_static:
        return None
    return (
        _("Add the chosen people to “%(name)s”") % {"name": segment.name},
        reverse("marketing:list-add", args=[segment.pk]),
    )
