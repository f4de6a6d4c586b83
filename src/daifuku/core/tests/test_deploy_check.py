"""Production settings pass Django's deployment checklist (`daifuku check --deploy`).

Each check runs in a fresh interpreter with only the environment an operator would set, so
the settings module is evaluated exactly as in production (not the test settings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import daifuku

SRC = Path(daifuku.__file__).resolve().parent.parent
PRODUCTION_KEY = "k3Vq9-production-only-" + "x7Tz2pLw8RmN4bYc6Hd1Jf5Gs0Qa" * 2


def run_check(
    tmp_path, *, args=("--fail-level", "WARNING"), **environment
) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DAIFUKU_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "daifuku.settings",
            "DAIFUKU_DATA_DIR": str(tmp_path),
            "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
        }
    )
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "daifuku.cli", "check", "--deploy", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = run_check(
        tmp_path,
        DAIFUKU_ENV="production",
        DAIFUKU_SECRET_KEY=PRODUCTION_KEY,
        DAIFUKU_ALLOWED_HOSTS="example.jp",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key_in_one_line(tmp_path):
    result = run_check(tmp_path, DAIFUKU_ENV="production", DAIFUKU_ALLOWED_HOSTS="example.jp")
    assert result.returncode == 2
    assert result.stderr == "daifuku: DAIFUKU_SECRET_KEY must be set when DAIFUKU_ENV=production\n"
    assert result.stdout == ""


def test_an_unknown_environment_is_an_error_not_development(tmp_path):
    result = run_check(tmp_path, DAIFUKU_ENV="prod", DAIFUKU_SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode == 2
    assert (
        result.stderr == "daifuku: DAIFUKU_ENV must be 'development' or 'production', not 'prod'\n"
    )


def test_deploy_check_fails_on_warnings_without_being_told(tmp_path):
    """`daifuku check --deploy` with no --fail-level: a production warning (a weak secret
    key) fails it; --fail-level ERROR lets warnings pass."""
    weak = {
        "DAIFUKU_ENV": "production",
        "DAIFUKU_SECRET_KEY": "short",
        "DAIFUKU_ALLOWED_HOSTS": "example.jp",
    }
    result = run_check(tmp_path, args=(), **weak)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "security.W009" in result.stderr
    assert run_check(tmp_path, args=("--fail-level", "ERROR"), **weak).returncode == 0
    good = run_check(
        tmp_path,
        args=(),
        DAIFUKU_ENV="production",
        DAIFUKU_SECRET_KEY=PRODUCTION_KEY,
        DAIFUKU_ALLOWED_HOSTS="example.jp",
    )
    assert good.returncode == 0, good.stdout + good.stderr


def test_the_check_catches_a_weak_secret_key(tmp_path):
    """The test above is meaningful: a weak production setting does fail it."""
    result = run_check(
        tmp_path,
        DAIFUKU_ENV="production",
        DAIFUKU_SECRET_KEY="short",
        DAIFUKU_ALLOWED_HOSTS="example.jp",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_development_mode_is_not_production(tmp_path):
    """Without DAIFUKU_ENV=production, HTTPS-only settings are off (the demo runs on plain
    HTTP on loopback), which the deployment checklist reports."""
    result = run_check(tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
