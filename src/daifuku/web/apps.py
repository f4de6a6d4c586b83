from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "daifuku.web"
    label = "web"
