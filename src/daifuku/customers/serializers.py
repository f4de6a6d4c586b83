"""Plain-dict renderings of customers for the API (fast: no per-field descriptors)."""

from __future__ import annotations


def _owner(obj) -> str | None:
    return obj.owner.username if obj.owner_id and obj.owner else None


def person_list_dict(p) -> dict:
    return {
        "type": "person",
        "id": p.pk,
        "display_name": p.display_name,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "family_kana": p.family_kana,
        "given_kana": p.given_kana,
        "email": getattr(p, "primary_email", None),
        "phone": getattr(p, "primary_phone", None),
        "prefecture": p.prefecture,
        "city": p.city,
        "lifecycle": p.lifecycle,
        "relationship_stage": p.relationship_stage,
        "owner": _owner(p),
        "tags": [t.name for t in p.tags.all()],
        "version": p.version,
        "updated_at": p.updated_at,
    }


def person_display_name(family_name: str, given_name: str) -> str:
    """``Person.display_name`` from the two columns (rows read without a model instance)."""
    return " ".join(part for part in (family_name, given_name) if part) + " 様"


def full_kana(family_kana: str, given_kana: str) -> str:
    """``Person.full_kana`` from the two columns."""
    return " ".join(part for part in (family_kana, given_kana) if part)


def person_row_dict(row: dict) -> dict:
    """:func:`person_list_dict` of a ``selectors.list_people(..., rows=True)`` row (no model
    instance), JSON-ready."""
    return {
        "type": "person",
        "id": row["id"],
        "display_name": person_display_name(row["family_name"], row["given_name"]),
        "family_name": row["family_name"],
        "given_name": row["given_name"],
        "family_kana": row["family_kana"],
        "given_kana": row["given_kana"],
        "email": row["email"],
        "phone": row["phone"],
        "prefecture": row["prefecture"],
        "city": row["city"],
        "lifecycle": row["lifecycle"],
        "relationship_stage": row["relationship_stage"],
        "owner": row["owner"],
        "tags": row["tags"],
        "version": row["version"],
        "updated_at": row["updated_at_json"],
    }


def person_dict(p) -> dict:
    emails = list(p.emails.all())
    phones = list(p.phones.all())
    return {
        "type": "person",
        "id": p.pk,
        "display_name": p.display_name,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "family_kana": p.family_kana,
        "given_kana": p.given_kana,
        "email": next((e.address for e in emails if e.is_primary), None),
        "phone": next((x.number for x in phones if x.is_primary), None),
        "emails": [
            {"address": e.address, "label": e.label, "is_primary": e.is_primary} for e in emails
        ],
        "phones": [
            {"number": x.number, "e164": x.e164, "kind": x.kind, "is_primary": x.is_primary}
            for x in phones
        ],
        "postal_code": p.postal_code,
        "prefecture": p.prefecture,
        "city": p.city,
        "address_line": p.address_line,
        "building": p.building,
        "birthday": p.birthday,
        "age": p.age(),
        "age_band": p.age_band,
        "gender": p.gender,
        "preferences": p.preferences,
        "notes": p.notes,
        "member_number": p.member_number,
        "relationship_stage": p.relationship_stage,
        "lifecycle": p.lifecycle,
        "source_channel": p.source_channel,
        "owner": _owner(p),
        "team": p.team_id,
        "tags": [t.name for t in p.tags.all()],
        "custom_fields": p.custom_fields,
        "version": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def company_dict(c) -> dict:
    primary_email = getattr(c, "primary_email", False)
    primary_phone = getattr(c, "primary_phone", False)
    if primary_email is False:
        primary_email = next((e.address for e in c.emails.all() if e.is_primary), None)
    if primary_phone is False:
        primary_phone = next((x.number for x in c.phones.all() if x.is_primary), None)
    return {
        "type": "company",
        "id": c.pk,
        "display_name": c.display_name,
        "name": c.name,
        "legal_form": c.legal_form,
        "legal_form_position": c.legal_form_position,
        "kana": c.kana,
        "corporate_number": c.corporate_number,
        "email": primary_email,
        "phone": primary_phone,
        "postal_code": c.postal_code,
        "prefecture": c.prefecture,
        "city": c.city,
        "address_line": c.address_line,
        "building": c.building,
        "industry": c.industry,
        "size": c.size,
        "website": c.website,
        "notes": c.notes,
        "owner": _owner(c),
        "team": c.team_id,
        "tags": [t.name for t in c.tags.all()],
        "custom_fields": c.custom_fields,
        "version": c.version,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def contact_dict(c) -> dict:
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "company_id": c.company_id,
        "person": str(c.person),
        "company": str(c.company),
        "department": c.department,
        "title": c.title,
        "is_key_person": c.is_key_person,
        "notes": c.notes,
    }


def household_dict(m) -> dict:
    return {
        "id": m.pk,
        "person_id": m.person_id,
        "name": m.name,
        "kana": m.kana,
        "relation": m.relation,
        "birthday": m.birthday,
        "age": m.age(),
        "notes": m.notes,
        "linked_person_id": m.linked_person_id,
    }
