"""Fixtures of the activities tests: customers owned by the Tokyo team, tiny real files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def person(rep):
    from daifuku.customers.services import create_person

    return create_person(
        actor=rep, data={"family_name": "山田", "given_name": "太郎", "family_kana": "ヤマダ"}
    )


@pytest.fixture
def company(rep):
    from daifuku.customers.services import create_company

    return create_company(actor=rep, data={"name": "株式会社山田製作所"})


@pytest.fixture
def osaka_person(other_rep):
    from daifuku.customers.services import create_person

    return create_person(actor=other_rep, data={"family_name": "大阪", "given_name": "花子"})


def image_bytes(fmt: str = "PNG", size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def png():
    return image_bytes("PNG")


@pytest.fixture
def jpeg():
    return image_bytes("JPEG")


@pytest.fixture
def log(rep, person):
    """Log a touch for ``person`` as ``rep`` (or as someone else)."""
    from daifuku.activities.services import log_touch

    def make(actor=None, **data):
        data.setdefault("summary", "見積の相談")
        data.setdefault("kind", "visit")
        target = data.pop("person", person)
        return log_touch(actor=actor or rep, data=data, person=target)

    return make


@pytest.fixture
def make_deal(db):
    """A deal of ``person`` owned by ``actor`` (the subject touches and next actions hang on).
    Sales sits above activities: reached by name, as activities' own code reaches it."""
    import importlib

    sales = importlib.import_module("daifuku.sales.services")
    create_deal, create_pipeline = sales.create_deal, sales.create_pipeline

    pipeline = create_pipeline(
        actor="test",
        name="新規開拓",
        stages=[
            {"name": "見込み", "probability": 10},
            {"name": "受注", "kind": "won"},
            {"name": "失注", "kind": "lost"},
        ],
    )

    def make(actor, person, **data):
        return create_deal(
            actor=actor,
            data={
                "title": "基幹システム更改",
                "person_id": person.pk,
                "pipeline_id": pipeline.pk,
                "amount": 1_000_000,
                "expected_close": dt.date(2027, 3, 31),
                **data,
            },
        )

    return make
