from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "daifuku.imports"
    label = "imports"
