"""Former home of imports' jobs, kept because queued jobs name their task by its path
(``daifuku.imports.tasks.run_import``): the jobs live in :mod:`daifuku.imports.jobs`."""

from .jobs import run_import, undo_import

__all__ = ["run_import", "undo_import"]
