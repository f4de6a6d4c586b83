"""The ``daifuku`` console script: every management command under one name.

    daifuku migrate | demo | serve | worker | seed --customers N | import FILE | bench …

Without ``DAIFUKU_DATABASE_URL`` the data lives in ./var/ (SQLite).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daifuku.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        _ = settings.INSTALLED_APPS  # reads the DAIFUKU_* environment (settings.py)
    except ImproperlyConfigured as error:
        # a configuration mistake is one line saying what to set, not a traceback
        sys.stderr.write(f"daifuku: {error}\n")
        sys.exit(2)

    args = list(sys.argv if argv is None else ["daifuku", *argv])
    args[0] = "daifuku"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
