from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/progress/", views.run_progress, name="progress"),
    path("<int:pk>/failed.csv", views.failed_rows, name="failed"),
    path("<int:pk>/undo/", views.undo, name="undo"),
    path("export/", views.export_people, name="export"),
]
