"""Former home of the scan job, kept because queued jobs name their task by its path
(``daifuku.customers.dedup.tasks.dedup_scan``): the job lives in
:mod:`daifuku.customers.dedup.jobs`."""

from .jobs import dedup_scan

__all__ = ["dedup_scan"]
