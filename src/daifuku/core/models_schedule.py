from django.db import models


class ScheduleState(models.Model):
    """When a periodic job last ran (so restarts and second workers do not repeat it)."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return self.name
