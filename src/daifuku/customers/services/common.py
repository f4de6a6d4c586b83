"""Helpers shared by the customer services: contact points, tags, ownership, addresses
(the permission checks every domain's services share are in ``daifuku.accounts.permissions``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import lookup_postal_code

from ..models import EmailAddress, PhoneNumber, Tag
from ..validation import clean_emails, clean_phones


def replace_emails(owner_field: str, owner, items) -> tuple[list[str], list[str]]:
    rows = clean_emails(items)
    old = list(
        EmailAddress.objects.filter(**{owner_field: owner}).values_list("address", flat=True)
    )
    EmailAddress.objects.filter(**{owner_field: owner}).delete()
    EmailAddress.objects.bulk_create(
        EmailAddress(
            **{owner_field: owner},
            address=r["address"],
            domain=r["address"].rpartition("@")[2],
            label=r["label"],
            is_primary=r["is_primary"],
        )
        for r in rows
    )
    return old, [r["address"] for r in rows]


def replace_phones(owner_field: str, owner, items) -> tuple[list[str], list[str]]:
    rows = clean_phones(items)
    old = list(PhoneNumber.objects.filter(**{owner_field: owner}).values_list("number", flat=True))
    PhoneNumber.objects.filter(**{owner_field: owner}).delete()
    PhoneNumber.objects.bulk_create(PhoneNumber(**{owner_field: owner}, **r) for r in rows)
    return old, [r["number"] for r in rows]


def resolve_tags(tags) -> list[Tag]:
    """Tags by object, id or name; names that do not exist yet are created."""
    result: list[Tag] = []
    for tag in tags or []:
        if isinstance(tag, Tag):
            result.append(tag)
        elif isinstance(tag, int):
            found = Tag.objects.filter(pk=tag).first()
            if found is None:
                raise ValidationFailed({"tags": [_("Unknown tag id %(id)s.") % {"id": tag}]})
            result.append(found)
        else:
            name = str(tag).strip()
            if not name:
                continue
            if len(name) > 50:
                raise ValidationFailed({"tags": [_("A tag has at most 50 characters.")]})
            result.append(Tag.objects.get_or_create(name=name)[0])
    return list(dict.fromkeys(result))


def replace_tags(obj, tags) -> tuple[list[str], list[str]]:
    new = resolve_tags(tags)
    old = sorted(obj.tags.values_list("name", flat=True))
    obj.tags.set(new)
    return old, sorted(t.name for t in new)


OWNERSHIP_FIELDS = ("owner", "team")


def clean_ownership(data) -> dict:
    from daifuku.accounts.models import Team, User

    values: dict[str, Any] = {}
    errors = {}
    if "owner" in data:
        owner = data["owner"]
        if owner is not None and not isinstance(owner, User):
            owner = (
                User.objects.filter(pk=owner, is_active=True).first()
                if str(owner).isdigit()
                else User.objects.filter(username=owner, is_active=True).first()
            )
            if owner is None:
                errors["owner"] = [_("Unknown user.")]
        values["owner"] = owner
    if "team" in data:
        team = data["team"]
        if team is not None and not isinstance(team, Team):
            team = (
                Team.objects.filter(pk=team).first()
                if str(team).isdigit()
                else Team.objects.filter(name=team).first()
            )
            if team is None:
                errors["team"] = [_("Unknown team.")]
        values["team"] = team
    if errors:
        raise ValidationFailed(errors)
    return values


def fill_address_from_postal_code(values: dict[str, Any], current=None) -> None:
    """Typing only the postal code fills the empty parts of the address (a person's or a
    company's; ``current`` is the record being edited) — but never a guess: the
    prefecture only when every area of the code is in one prefecture (498-0000 is both
    愛知県弥富市 and 三重県木曽岬町), the city when they are in one city, the town when the
    code names one town. A shared code leaves the rest to the user, who picks one of the
    areas the look-up offers (``GET /api/v1/postal-codes/{code}`` lists them all)."""
    code = values.get("postal_code")
    if not code:
        return

    def has(field: str) -> bool:
        return bool(
            values.get(field)
            or (getattr(current, field, "") if current and field not in values else "")
        )

    if has("prefecture") and has("city"):
        return
    areas = lookup_postal_code(code)
    if not areas:
        return
    first = areas[0]
    if len({a.prefecture for a in areas}) > 1:
        return
    if not has("prefecture"):
        values["prefecture"] = first.prefecture
    if not has("city") and len({a.city for a in areas}) == 1:
        values["city"] = first.city
        if len(areas) == 1 and first.town and not has("address_line"):
            values["address_line"] = first.town
