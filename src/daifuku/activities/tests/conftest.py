"""Fixtures of the activities tests: customers owned by the Tokyo team, tiny real files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from daifuku.customers.tests import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def person(rep):
    return factories.person(rep, family_name="山田", given_name="太郎", family_kana="ヤマダ")


@pytest.fixture
def company(rep):
    return factories.company(rep)


@pytest.fixture
def osaka_person(other_rep):
    return factories.person(other_rep, family_name="大阪", given_name="花子")


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
    Sales sits above activities: its factories are reached by name, as activities' own
    code reaches sales."""
    import importlib

    sales = importlib.import_module("daifuku.sales.tests.factories")
    pipeline = sales.pipeline()

    def make(actor, person, **data):
        return sales.deal(
            actor,
            pipeline,
            **{"person_id": person.pk, "expected_close": dt.date(2027, 3, 31), **data},
        )

    return make
