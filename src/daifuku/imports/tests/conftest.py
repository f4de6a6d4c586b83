"""Fixtures of the import tests: uploaded files go to a temporary media folder, and an
import runs to its end inside the test (the on-commit job is executed)."""

from __future__ import annotations

import pytest

from daifuku.imports import services
from daifuku.imports.models import ImportRun


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """``run_import(actor, run, **options)``: configure (if options), start, run, reload."""

    def run(actor, run: ImportRun, **options) -> ImportRun:
        if options:
            services.configure(actor=actor, run=run, data=options)
        with django_capture_on_commit_callbacks(execute=True):
            services.start(actor=actor, run=run)
        run.refresh_from_db()
        return run

    return run
