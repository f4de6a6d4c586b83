"""The WSGI app the click-redirect benchmark serves with granian: Daifuku itself plus the
baseline address of bench/mail_clicks_urls.py."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daifuku.settings")

import django  # noqa: E402

from daifuku import settings as daifuku_settings  # noqa: E402

# the database comes as DAIFUKU_DATABASE_URL (the benchmark's file); give SQLite the
# options the production configuration gives its own file (IMMEDIATE, WAL, busy timeout)
if daifuku_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    daifuku_settings.DATABASES["default"].update(
        OPTIONS=daifuku_settings.SQLITE_OPTIONS, CONN_MAX_AGE=600
    )
django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.ROOT_URLCONF = "bench.mail_clicks_urls"
application = get_wsgi_application()
