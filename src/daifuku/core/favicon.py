"""``/favicon.ico``: browsers, bookmarks and feed readers ask for it at the site's root
whatever the page links (each asked and logged a 404). The icon is the web app's static
file (``web/favicon.ico``; pages link the SVG), served with a day's cache."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

ICON = "web/favicon.ico"


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    path = finders.find(ICON)
    if path is None and staticfiles_storage.exists(ICON):  # collected, finders off
        path = staticfiles_storage.path(ICON)
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/vnd.microsoft.icon")
