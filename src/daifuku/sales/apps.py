from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "daifuku.sales"
    label = "sales"
