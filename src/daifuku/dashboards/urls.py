from django.urls import path

from .views import figures, kpis

app_name = "dashboards"
urlpatterns = [
    path("", figures.home, name="home"),
    path("figures/<slug:key>/", figures.figure_detail, name="figure"),
    path("figures/<slug:key>.csv", figures.figure_csv, name="figure-csv"),
    path("figures/<slug:key>.png", figures.figure_png, name="figure-png"),
    path("kpis/", kpis.kpi_list, name="kpis"),
    path("kpis/new/", kpis.kpi_create, name="kpi-create"),
    path("kpis/<int:pk>/", kpis.kpi_detail, name="kpi"),
    path("kpis/<int:pk>/deactivate/", kpis.kpi_deactivate, name="kpi-deactivate"),
]
