"""Packaging metadata and the everyday make targets say what they do."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_license_is_an_spdx_expression_with_a_backend_that_knows_it():
    """A TOML table licence makes setuptools print a deprecation box on every install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "AGPL-3.0-or-later"
    setuptools = next(r for r in project["build-system"]["requires"] if r.startswith("setuptools"))
    assert int(re.search(r">=(\d+)", setuptools).group(1)) >= 77


def test_make_test_says_it_leaves_out_the_postgresql_only_tests():
    recipe = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    assert "postgres_only" in recipe and "make test-postgres" in recipe


_READS = [
    re.compile(r"""\benv(?:_bool|_list)?\(\s*["']([A-Z0-9_]+)["']"""),  # settings.env("X")
    re.compile(r"""\b_env_int\(\s*["']([A-Z0-9_]+)["']"""),  # serve's options
    re.compile(r"""["']DAIFUKU_([A-Z0-9_]+)["']"""),  # os.environ.get("DAIFUKU_X")
]


def _settings_read_by_the_code() -> set[str]:
    names = set()
    for path in (ROOT / "src" / "daifuku").rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text()
        for pattern in _READS:
            names.update(f"DAIFUKU_{name}" for name in pattern.findall(text))
    return names


def test_the_readme_lists_every_setting_the_code_reads():
    names = _settings_read_by_the_code()
    assert {
        "DAIFUKU_BEHIND_PROXY",
        "DAIFUKU_HSTS_SECONDS",
        "DAIFUKU_WORKERS",
        "DAIFUKU_THREADS",
        "DAIFUKU_TRUSTED_PROXIES",
        "DAIFUKU_WORKER",
        "DAIFUKU_IMPORT_WORKERS",
    } <= names  # the grep finds them
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README.md's configuration table lacks {missing}"
