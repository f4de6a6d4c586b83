"""``/m/u/…``: the recipient's unsubscribe and preference pages (no login; see
views/unsubscribe.py)."""

from django.urls import path

from .views import unsubscribe

app_name = "unsubscribe"

urlpatterns = [
    path("<str:signed>", unsubscribe.one_click, name="one-click"),
    path("<str:signed>/topics", unsubscribe.preferences, name="preferences"),
]
