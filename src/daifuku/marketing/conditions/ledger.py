"""Conditions on the customer ledger itself: age, birthday month, gender, where the
person lives, tags, lifecycle, relationship stage, source, owner / team, consent per
channel and the administrator's custom fields."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.db.models import FloatField, Q, TextField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.db.models.lookups import Contains, Exact, GreaterThanOrEqual, In, LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daifuku.accounts.models import Team, User
from daifuku.core.japanese import AGE_BANDS, PREFECTURE_NAMES
from daifuku.customers.models import Consent, CustomFieldDefinition, Person, Tag
from daifuku.customers.models.consent import Channel, ConsentStatus
from daifuku.customers.models.custom_fields import FieldType, Target
from daifuku.customers.models.people import Gender, Lifecycle, RelationshipStage, SourceChannel

from .registry import (
    CHOICE,
    CONTAINS,
    EQ,
    GTE,
    IN,
    IS_SET,
    LTE,
    NE,
    NOT_IN,
    NOT_SET,
    NUMBER,
    TEXT,
    Condition,
    Context,
    Field,
    register,
    register_family,
)

CHOICE_OPS = (EQ, NE, IN, NOT_IN)
# "is one of 30, 40" on a number is each value's "is" joined by OR (tree.compile_tree), so
# every number condition takes a list without a compile of its own
NUMBER_OPS = (EQ, NE, GTE, LTE, IN, NOT_IN)


def _nobody() -> Q:
    return Q(pk__in=[])


def on_values(condition: Condition, matches) -> Q:
    """``matches(values)`` is the Q of people whose value is one of ``values``; the
    operator decides between it and its negation. ``ne`` / ``not_in`` include people
    whose value is unknown ("not in 東京都" includes people with no address)."""
    op, value = condition.op, condition.value
    if op in (EQ, NE):
        found = matches([value])
    elif op in (IN, NOT_IN):
        found = matches(list(value))  # type: ignore[call-overload]  # validated: a list
    else:
        raise ValueError(op)
    return ~found if op in (NE, NOT_IN) else found


def column(name: str):
    """A choice or text column compared as is (blank counts as "not recorded")."""

    def compile(condition: Condition, context: Context) -> Q:
        if condition.op == IS_SET:
            return ~Q(**{name: ""}) & Q(**{f"{name}__isnull": False})
        if condition.op == NOT_SET:
            return Q(**{name: ""}) | Q(**{f"{name}__isnull": True})
        if condition.op == CONTAINS:
            return Q(**{f"{name}__contains": condition.value})
        return on_values(condition, lambda values: Q(**{f"{name}__in": values}))

    return compile


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year: a leap-day birthday ages on 1 March
        return day.replace(year=day.year - years, month=3, day=1)


def _age_between(context: Context, low: int | None, high: int | None) -> Q:
    """People aged ``low``..``high`` (inclusive) today, as a range of birthdays: a person
    is at least N on the day N years after their birth (age_on's rule)."""
    q = Q(birthday__isnull=False)
    if low is not None:
        q &= Q(birthday__lte=_years_before(context.today, low))
    if high is not None:
        q &= Q(birthday__gt=_years_before(context.today, high + 1))
    return q


def _compile_age(condition: Condition, context: Context) -> Q:
    op, value = condition.op, condition.value
    if op == IS_SET:
        return Q(birthday__isnull=False)
    if op == NOT_SET:
        return Q(birthday__isnull=True)
    if op == GTE:
        return _age_between(context, value, None)  # type: ignore[arg-type]
    if op == LTE:
        return _age_between(context, None, value)  # type: ignore[arg-type]
    exact = _age_between(context, value, value)  # type: ignore[arg-type]
    return ~exact if op == NE else exact


# the ages of each band of core.japanese.AGE_BANDS, as core.japanese.age_band counts them
# ("10s" is everyone under 20, "70s+" everyone from 70)
BAND_AGES: dict[str, tuple[int | None, int | None]] = {
    "10s": (0, 19),
    "20s": (20, 29),
    "30s": (30, 39),
    "40s": (40, 49),
    "50s": (50, 59),
    "60s": (60, 69),
    "70s+": (70, None),
}
assert set(BAND_AGES) == set(AGE_BANDS), "the bands follow core.japanese.AGE_BANDS"
BAND_LABELS = {
    "10s": _("Teens and under"),
    "20s": _("20s"),
    "30s": _("30s"),
    "40s": _("40s"),
    "50s": _("50s"),
    "60s": _("60s"),
    "70s+": _("70 and over"),
}


def _compile_age_band(condition: Condition, context: Context) -> Q:
    def matches(bands) -> Q:
        q = _nobody()
        for band in bands:
            low, high = BAND_AGES[band]
            q |= _age_between(context, low, high)
        return q

    return on_values(condition, matches)


def _compile_birthday_month(condition: Condition, context: Context) -> Q:
    return on_values(condition, lambda months: Q(birthday__month__in=months))


def _compile_tag(condition: Condition, context: Context) -> Q:
    # a subquery, not a join: a join would repeat a person once per tag
    if condition.op == CONTAINS:  # a tag whose name contains the words (「VIP」 in 「VIP候補」)
        return Q(
            pk__in=Person.tags.through.objects.filter(tag__name__icontains=condition.value).values(
                "person_id"
            )
        )
    return on_values(
        condition,
        lambda ids: Q(
            pk__in=Person.tags.through.objects.filter(tag_id__in=ids).values("person_id")
        ),
    )


def _consent(channel: str):
    def compile(condition: Condition, context: Context) -> Q:
        def matches(statuses) -> Q:
            q = _nobody()
            known = [s for s in statuses if s != "unknown"]
            if known:
                q |= Q(
                    pk__in=Consent.objects.filter(channel=channel, status__in=known).values(
                        "person_id"
                    )
                )
            if "unknown" in statuses:
                q |= ~Q(pk__in=Consent.objects.filter(channel=channel).values("person_id"))
            return q

        return on_values(condition, matches)

    return compile


def _choices(enum) -> Callable[[], list[tuple[object, str]]]:
    return lambda: [(value, str(label)) for value, label in enum.choices]


def _consent_choices() -> list[tuple[object, str]]:
    return [
        (ConsentStatus.OPTED_IN, str(_("Opted in"))),
        (ConsentStatus.OPTED_OUT, str(_("Opted out"))),
        ("unknown", str(_("No answer recorded"))),
    ]


def _tags() -> list[tuple[object, str]]:
    return list(Tag.objects.order_by("name").values_list("pk", "name"))


def _users() -> list[tuple[object, str]]:
    return [
        (pk, f"{last} {first}".strip() or username)
        for pk, username, last, first in User.objects.filter(is_active=True)
        .order_by("username")
        .values_list("pk", "username", "last_name", "first_name")
    ]


def _teams() -> list[tuple[object, str]]:
    return list(Team.objects.order_by("name").values_list("pk", "name"))


register(
    Field(
        "age",
        _("Age"),
        "attributes",
        NUMBER,
        (*NUMBER_OPS, IS_SET, NOT_SET),
        _compile_age,
        minimum=0,
        maximum=150,
        unit=_("years old"),
        calendar=True,
    )
)
register(
    Field(
        "age_band",
        _("Age band"),
        "attributes",
        CHOICE,
        CHOICE_OPS,
        _compile_age_band,
        choices=lambda: [(band, str(label)) for band, label in BAND_LABELS.items()],
        calendar=True,
    )
)
register(
    Field(
        "birthday_month",
        _("Birthday month"),
        "attributes",
        CHOICE,
        CHOICE_OPS,
        _compile_birthday_month,
        choices=lambda: [
            (month, str(_("%(month)s月") % {"month": month})) for month in range(1, 13)
        ],
    )
)
register(
    Field(
        "gender",
        _("Gender"),
        "attributes",
        CHOICE,
        (*CHOICE_OPS, IS_SET, NOT_SET),
        column("gender"),
        choices=_choices(Gender),
    )
)
register(
    Field(
        "prefecture",
        _("Prefecture"),
        "attributes",
        CHOICE,
        (*CHOICE_OPS, CONTAINS, IS_SET, NOT_SET),
        column("prefecture"),
        choices=lambda: [(name, name) for name in PREFECTURE_NAMES],
    )
)
register(
    Field(
        "city", _("City"), "attributes", TEXT, (EQ, NE, CONTAINS, IS_SET, NOT_SET), column("city")
    )
)
register(
    Field(
        "tag",
        _("Tag"),
        "attributes",
        CHOICE,
        (*CHOICE_OPS, CONTAINS),
        _compile_tag,
        choices=_tags,
        help=_("「contains」 takes part of a tag's name."),
    )
)
register(
    Field(
        "lifecycle",
        _("Lifecycle"),
        "attributes",
        CHOICE,
        CHOICE_OPS,
        column("lifecycle"),
        choices=_choices(Lifecycle),
    )
)
register(
    Field(
        "relationship_stage",
        _("Relationship stage"),
        "attributes",
        CHOICE,
        CHOICE_OPS,
        column("relationship_stage"),
        choices=_choices(RelationshipStage),
    )
)
register(
    Field(
        "source",
        _("Source channel"),
        "attributes",
        CHOICE,
        (*CHOICE_OPS, IS_SET, NOT_SET),
        column("source_channel"),
        choices=_choices(SourceChannel),
    )
)
register(
    Field(
        "owner",
        _("Owner"),
        "attributes",
        CHOICE,
        (*CHOICE_OPS, IS_SET, NOT_SET),
        column("owner_id"),
        choices=_users,
    )
)
register(
    Field(
        "team",
        _("Team"),
        "attributes",
        CHOICE,
        (*CHOICE_OPS, IS_SET, NOT_SET),
        column("team_id"),
        choices=_teams,
    )
)
for _channel in Channel:
    register(
        Field(
            f"consent_{_channel.value}",
            pgettext_lazy("segment condition", "Consent: %(channel)s") % {"channel": _channel.label},
            "consent",
            CHOICE,
            CHOICE_OPS,
            _consent(_channel.value),
            choices=_consent_choices,
        )
    )  # fmt: skip


# --- custom fields: "custom.<key>" for each active definition of people ----------------

_CUSTOM_KINDS = {
    FieldType.TEXT: (TEXT, (EQ, NE, CONTAINS, IS_SET, NOT_SET)),
    FieldType.NUMBER: (NUMBER, (EQ, NE, GTE, LTE, IS_SET, NOT_SET)),
    FieldType.DATE: (TEXT, (EQ, NE, GTE, LTE, IS_SET, NOT_SET)),
    FieldType.CHOICE: (CHOICE, (*CHOICE_OPS, IS_SET, NOT_SET)),
    FieldType.MULTI_CHOICE: (CHOICE, (CONTAINS, IS_SET, NOT_SET)),
    FieldType.BOOLEAN: (CHOICE, (EQ, IS_SET, NOT_SET)),
}


def _custom_compile(definition: CustomFieldDefinition):
    key, field_type = definition.key, definition.field_type

    def compile(condition: Condition, context: Context) -> Q:
        # KeyTextTransform rather than a "custom_fields__<key>" lookup string: the key is
        # the administrator's and must never be parsed as a lookup
        text = KeyTextTransform(key, "custom_fields")
        present = Q(custom_fields__has_key=key)
        op, value = condition.op, condition.value
        if op == IS_SET:
            return present
        if op == NOT_SET:
            return ~present
        if field_type == FieldType.MULTI_CHOICE:
            # the stored list's JSON text holds the choice as a quoted string (JSON
            # containment is not available on SQLite), written as the database keeps it:
            # PostgreSQL's jsonb unescaped, SQLite's text as Django wrote it (\uXXXX)
            as_text = Cast(KeyTransform(key, "custom_fields"), TextField())
            quoted = {f'"{value}"', json.dumps(str(value))}
            found = Q(pk__in=[])
            for needle in quoted:
                found |= Q(Contains(as_text, needle))
            return present & found
        if field_type == FieldType.BOOLEAN:
            # JSON true reads "true" on PostgreSQL and 1 on SQLite
            truthy = ["true", "1"] if value == "yes" else ["false", "0"]
            return present & Q(In(Cast(text, TextField()), truthy))
        if field_type == FieldType.NUMBER:
            number = Cast(text, FloatField())
            if op in (EQ, NE):
                found = present & Q(Exact(number, value))
                return ~found if op == NE else found
            return present & Q(
                (GreaterThanOrEqual if op == GTE else LessThanOrEqual)(number, value)
            )
        if op == CONTAINS:
            return present & Q(Contains(text, value))
        if op in (GTE, LTE):  # dates are ISO text: their order is the text's order
            return present & Q((GreaterThanOrEqual if op == GTE else LessThanOrEqual)(text, value))
        return on_values(condition, lambda values: present & Q(In(text, [str(v) for v in values])))

    return compile


def _custom_field(definition: CustomFieldDefinition) -> Field:
    kind, operators = _CUSTOM_KINDS[FieldType(definition.field_type)]
    choices = None
    if definition.field_type in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        options = [str(c) for c in definition.choices or []]
        choices = lambda: [(c, c) for c in options]  # noqa: E731
    elif definition.field_type == FieldType.BOOLEAN:
        choices = lambda: [("yes", str(_("Yes"))), ("no", str(_("No")))]  # noqa: E731
    return Field(
        f"custom.{definition.key}",
        definition.label,
        "custom",
        kind,
        operators,
        _custom_compile(definition),
        choices=choices,
        help=_("Dates as YYYY-MM-DD.") if definition.field_type == FieldType.DATE else "",
    )


def _resolve_custom(key: str) -> Field | None:
    definition = CustomFieldDefinition.objects.filter(
        target=Target.PERSON, key=key, is_active=True
    ).first()
    return _custom_field(definition) if definition else None


def _every_custom() -> list[Field]:
    return [
        _custom_field(d)
        for d in CustomFieldDefinition.objects.filter(target=Target.PERSON, is_active=True)
    ]


register_family("custom", _resolve_custom, _every_custom)
