from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "daifuku.activities"
    label = "activities"
