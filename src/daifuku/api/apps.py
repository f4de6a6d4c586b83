from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "daifuku.api"
    label = "api"
