"""Fixtures of the web behaviour tests: settings allowing one site."""

from __future__ import annotations

import pytest

SITE = "https://shop.example.jp"


@pytest.fixture(autouse=True)
def fresh_settings_cache():
    from daifuku.behaviour.services.settings import forget_cache

    forget_cache()
    yield
    forget_cache()


@pytest.fixture
def site(db, admin):
    from daifuku.behaviour.services import update_settings

    return update_settings(
        actor=admin, require_consent=True, allowed_origins=SITE, retention_days=30
    )
