from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_home, name="settings"),
    path("service/", views.planned_area, {"area": "service"}, name="area-service"),
    # the analytics area lives in the dashboards app (分析 → /dashboards/)
    path("analytics/", views.analytics_area, name="area-analytics"),
]
