"""Tracking addresses at the root of the site (short links in mails): included by the
project's urls.py as ``path("m/", include("daifuku.marketing.tracking.urls"))``. The
unsubscribe addresses under ``/m/u/`` are the law module's."""

from django.urls import path

from . import views

app_name = "mail-tracking"

urlpatterns = [
    path("o/<str:token>.gif", views.open_pixel, name="open"),
    path("c/<str:token>/<str:packed>/<str:sig>", views.click, name="click"),
]
