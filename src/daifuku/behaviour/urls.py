from django.urls import path

from . import views

app_name = "behaviour"
urlpatterns = [
    path("collect.js", views.collect_js, name="collect-js"),
    path("collect", views.collect, name="collect"),
    path("identify", views.identify, name="identify"),
    path("settings/", views.behaviour_settings, name="settings"),
    path("settings/rotate-secret", views.rotate_secret, name="rotate-secret"),
]
