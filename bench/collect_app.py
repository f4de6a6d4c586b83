"""The WSGI app the /collect benchmark serves with granian: Daifuku itself plus one
baseline address, ``/bench/collect-naive``, that takes the same batches and writes one ORM
insert per event (autocommit) — what a straightforward endpoint would do."""

from __future__ import annotations

import json
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
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from daifuku import urls as daifuku_urls  # noqa: E402
from daifuku.behaviour.models import Event  # noqa: E402
from daifuku.behaviour.services.collect import _clean_event  # noqa: E402


@csrf_exempt
def collect_naive(request):
    from django.utils import timezone

    data = json.loads(request.body)
    now = timezone.now()
    kept = 0
    for raw in data["events"]:
        event = _clean_event(raw, now)
        if event is None:
            continue
        event["occurred_at"] = now
        Event.objects.create(visitor_id=data["visitor"], **event)
        kept += 1
    return JsonResponse({"accepted": kept}, status=202)


urlpatterns = [path("bench/collect-naive", collect_naive), *daifuku_urls.urlpatterns]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
