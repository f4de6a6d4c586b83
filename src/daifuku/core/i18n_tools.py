"""Maintain the per-app translation catalogues (``<app>/locale/ja/LC_MESSAGES/django.po``).

Every Daifuku app keeps its own Japanese catalogue next to its code, so an engineer who
adds a string to an app updates that app's catalogue only::

    python -m daifuku.core.i18n_tools extract   # makemessages -l ja in every app with a locale dir
    python -m daifuku.core.i18n_tools compile   # compilemessages in every app with a locale dir
    python -m daifuku.core.i18n_tools extract customers   # one app only

``make messages`` runs ``compile``. After ``extract``, fill in every new ``msgstr`` (the
test ``core/tests/test_translations.py`` fails on an empty or fuzzy entry) and compile.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LANGUAGE = "ja"


def app_dirs() -> list[Path]:
    """Every app directory under ``src/daifuku`` that has a ``locale`` folder."""
    return sorted(p.parent for p in PACKAGE_DIR.glob("*/locale") if p.is_dir())


def catalogue(app_dir: Path, language: str = LANGUAGE) -> Path:
    return app_dir / "locale" / language / "LC_MESSAGES" / "django.po"


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def _selected(names: list[str]) -> list[Path]:
    dirs = app_dirs()
    if not names:
        return dirs
    chosen = [d for d in dirs if d.name in names]
    unknown = set(names) - {d.name for d in chosen}
    if unknown:
        raise SystemExit(f"no locale folder in: {', '.join(sorted(unknown))}")
    return chosen


def extract(names: list[str] | None = None, verbosity: int = 1) -> list[Path]:
    """Run ``makemessages -l ja`` inside each app, so each catalogue holds only its app's strings."""
    from django.core.management import call_command

    done = []
    for app_dir in _selected(names or []):
        with _inside(app_dir):
            call_command(
                "makemessages",
                locale=[LANGUAGE],
                verbosity=verbosity,
                no_obsolete=True,
                ignore_patterns=["tests/*", "migrations/*"],
            )
        done.append(catalogue(app_dir))
    return done


def compile_catalogues(names: list[str] | None = None, verbosity: int = 1) -> list[Path]:
    """Run ``compilemessages`` inside each app (only that app's ``.po`` files)."""
    from django.core.management import call_command

    done = []
    for app_dir in _selected(names or []):
        if not catalogue(app_dir).exists():
            continue
        with _inside(app_dir):
            call_command("compilemessages", locale=[LANGUAGE], verbosity=verbosity)
        done.append(catalogue(app_dir))
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m daifuku.core.i18n_tools",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=["extract", "compile"])
    parser.add_argument(
        "apps", nargs="*", help="app names (default: every app with a locale folder)"
    )
    parser.add_argument("-v", "--verbosity", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daifuku.settings")
    import django

    django.setup()
    action = extract if args.action == "extract" else compile_catalogues
    action(args.apps, verbosity=args.verbosity)


if __name__ == "__main__":
    main()
