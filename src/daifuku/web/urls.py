from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_home, name="settings"),
    path("service/", views.planned_area, {"area": "service"}, name="area-service"),
    path("analytics/", views.planned_area, {"area": "analytics"}, name="area-analytics"),
]
