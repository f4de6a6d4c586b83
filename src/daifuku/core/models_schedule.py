from django.db import models


class ScheduleState(models.Model):
    """When a periodic job last ran (so restarts and second workers do not repeat it)."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A running ``daifuku worker`` as it last reported itself (every few seconds): pages
    that wait on a background job tell the user when no worker has reported for a while —
    the job would otherwise wait for ever without a word."""

    worker_id = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
