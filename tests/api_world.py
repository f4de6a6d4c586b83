"""Shared by the API probes: a small world of records (one of each kind the API's paths
name, owned by a Tokyo rep), the OpenAPI document's operations, and a fingerprint of
everything stored (to prove a refused request saved nothing)."""

from __future__ import annotations

import datetime as dt
import re

PATH_PARAM = re.compile(r"{(\w+)}")


def build_world(owner, *, extended: bool = False, manager=None) -> dict[str, int | str]:
    """Records owned by ``owner`` and the value of each path parameter that names one
    (``extended``: one of nearly every kind, the shared ones made by ``manager``)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from daifuku.activities.services import log_touch
    from daifuku.commerce.models import Channel
    from daifuku.commerce.services import record_order
    from daifuku.customers.tests import factories as customer_factories
    from daifuku.sales.tests import factories as sales_factories

    person = customer_factories.person(owner, family_name="山田", given_name="花子")
    company = customer_factories.company(owner, name="山田商事")
    pipeline = sales_factories.pipeline()
    deal = sales_factories.deal(
        owner, pipeline, title="基幹更改", company_id=company.pk, amount=1000
    )
    touch = log_touch(actor=owner, data={"summary": "訪問", "kind": "visit"}, person=person)
    order, _created = record_order(
        actor=owner,
        number="A-1001",
        ordered_at=dt.date(2026, 5, 1),
        person=person,
        lines=[{"name": "保守", "quantity": 2, "unit_price": 1000, "tax_rate": 10}],
    )
    world = {
        "person_id": person.pk,
        "company_id": company.pk,
        "pipeline_id": pipeline.pk,
        "deal_id": deal.pk,
        "stage_id": pipeline.stages.order_by("position").first().pk,
        "touch_id": touch.pk,
        "code": "1000001",
        "order_id": order.pk,
        "channel_id": Channel.objects.order_by("pk").first().pk,
    }
    if not extended:
        return world
    from daifuku.activities.services import add_attachment, create_next_action
    from daifuku.customers.services import (
        add_contact,
        add_household_member,
        create_tag,
        define_custom_field,
    )
    from daifuku.sales.services import (
        add_deal_contact,
        add_line_item,
        create_product,
        issue_quote,
        set_target,
    )

    admin = manager
    # a second person of the owner's, for a direct merge (POST /merges)
    world["survivor_id"] = person.pk
    world["loser_id"] = customer_factories.person(owner, family_name="山田", given_name="花").pk
    world["tag_id"] = create_tag(actor=admin, name="重要").pk
    world["field_id"] = define_custom_field(
        actor=admin,
        data={"target": "person", "key": "rank", "label": "ランク", "field_type": "text"},
    ).pk
    world["contact_id"] = add_contact(actor=owner, person=person, company=company).pk
    world["member_id"] = add_household_member(
        actor=owner, person=person, data={"name": "山田 太郎", "relation": "spouse"}
    ).pk
    world["action_id"] = create_next_action(
        actor=owner,
        data={"title": "見積提出", "due_at": dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)},
        person=person,
    ).pk
    world["product_id"] = create_product(
        actor=admin, data={"code": "P-1", "name": "保守", "unit_price": 1000}
    ).pk
    world["line_id"] = add_line_item(
        actor=owner, deal=deal, data={"name": "保守", "quantity": 1, "unit_price": 1000}
    ).pk
    world["deal_contact_id"] = add_deal_contact(
        actor=owner, deal=deal, person=person, role="決裁者"
    ).pk
    world["target_id"] = set_target(
        actor=admin, metric="revenue", period="2026-05", value=1_000_000, user=owner
    ).pk
    world["quote_id"] = issue_quote(actor=owner, deal=deal).pk
    world["attachment_id"] = add_attachment(
        actor=owner,
        touch=touch,
        upload=SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png"),
    ).pk
    from daifuku.marketing.services import create_segment

    # a marketing list made by the administrator (not the owner's: marketers change it)
    world["segment_id"] = create_segment(
        actor=admin, data={"name": "招待リスト", "kind": "static"}
    ).pk
    from daifuku.marketing.services.campaigns import create_campaign

    # a campaign (メール配信) written by the administrator to that list
    world["campaign_id"] = create_campaign(
        actor=admin,
        data={
            "name": "ご案内",
            "segment_id": world["segment_id"],
            "subject": "件名",
            "text": "本文",
        },
    ).pk
    return world


def path_for(template: str, world: dict) -> str:
    # {contact_id} under a deal is the deal's contact role, not the ledger's contact (their ids
    # only agree by chance: on PostgreSQL sequences run on across tests)
    names = {"contact_id": "deal_contact_id"} if template.startswith("/api/v1/deals/") else {}
    return PATH_PARAM.sub(lambda m: str(world.get(names.get(m.group(1), m.group(1)), 1)), template)


def operations(document: dict):
    """``(method, path template, operation)`` of every operation in the document."""
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:  # Optional[X]: the non-null branch
        branches = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if branches:
            return resolve(document, branches[0])
    return schema


def json_body_schema(document: dict, operation: dict) -> dict | None:
    content = (operation.get("requestBody") or {}).get("content", {})
    if "application/json" not in content:
        return None
    return resolve(document, content["application/json"]["schema"])


def sample(document: dict, schema: dict):
    """A plain value of ``schema``'s type (the rest of a body around one bad field)."""
    schema = resolve(document, schema)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {
            name: sample(document, sub)
            for name, sub in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-05-01"
    if schema.get("format") == "date-time":
        return "2026-05-01T10:00:00+09:00"
    return "x"


def fingerprint() -> dict[str, int]:
    """Row counts of every project table (audit entries included: every service write
    records one, so an update shows too)."""
    from django.apps import apps

    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("daifuku.") and not model._meta.proxy
    }


def png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()
