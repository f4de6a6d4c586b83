"""URLs of the /collect benchmark: Daifuku's own plus the baseline address
``/bench/collect-naive``, which takes the same batches and writes one ORM insert per event
(autocommit) — what a straightforward endpoint would do."""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from daifuku import urls as daifuku_urls
from daifuku.behaviour.models import Event
from daifuku.behaviour.services.collect import _clean_event


@csrf_exempt
def collect_naive(request):
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
