"""A refused upload (422) creates nothing: no import run, no stored file, no audit entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from daifuku.core.models import AuditEntry
from daifuku.imports.models import ImportRun

FIXTURES = Path(__file__).parent / "fixtures"


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "form",
    [
        {"mapping": json.dumps({"氏名": "nonsense"})},
        {"mapping": json.dumps({"存在しない列": "full_name"})},
        {"mode": "sideways"},
        {"match_key": "corporate_number"},
        {"target": "company", "match_key": "email"},
        {"target": "animals"},
        {"encoding": "latin-1"},
    ],
)
def test_refused_api_upload_keeps_no_run_and_no_file(rep_api, tmp_path, form):
    with open(FIXTURES / "cp932_customers.csv", "rb") as handle:
        response = rep_api.upload("/api/v1/imports", {"file": handle, **form})
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert ImportRun.objects.count() == 0
    assert _stored_files(tmp_path) == []
    assert not AuditEntry.objects.filter(action="upload").exists()


def test_unreadable_upload_keeps_no_file(rep_api, tmp_path):
    broken = SimpleUploadedFile("broken.xlsx", b"PK\x03\x04 not a workbook")
    response = rep_api.upload("/api/v1/imports", {"file": broken})
    assert response.status_code == 422 and response.json()["code"] == "unreadable_file"
    assert ImportRun.objects.count() == 0 and _stored_files(tmp_path) == []


def test_accepted_upload_keeps_its_file(rep_api, tmp_path):
    with open(FIXTURES / "cp932_customers.csv", "rb") as handle:
        response = rep_api.upload("/api/v1/imports", {"file": handle, "start": "false"})
    assert response.status_code == 201
    assert ImportRun.objects.count() == 1 and len(_stored_files(tmp_path)) == 1


def test_refused_command_line_import_keeps_no_run(rep, tmp_path):
    source = tmp_path / "in" / "customers.csv"
    source.parent.mkdir()
    source.write_bytes((FIXTURES / "cp932_customers.csv").read_bytes())
    with pytest.raises(CommandError):
        call_command(
            "import",
            str(source),
            "--mapping",
            json.dumps({"氏名": "nonsense"}),
            "--user",
            rep.username,
        )
    assert ImportRun.objects.count() == 0
    assert _stored_files(tmp_path) == [source]
