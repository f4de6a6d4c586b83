"""名寄せ: finding records of the same customer, merging them, and undoing merges.

* :mod:`.scoring` — how alike two records are, with reason codes;
* :mod:`.records` — the records as scoring reads them;
* :mod:`.scan` — blocking + scoring over the whole ledger (``daifuku dedup scan``);
* :mod:`.services` — every write: ``services.merge`` (``merge_people`` /
  ``merge_companies`` / ``undo_merge``), ``services.journal`` (``move_rows`` /
  ``delete_rows`` for ``customer.merging`` participants), ``services.decisions`` (decisions
  on candidate groups, queuing a scan), ``services.candidates`` (the scan storing its groups);
* :mod:`.selectors` — the review queue and the probable-duplicate check;
* :mod:`.jobs` — the scan as a background job.

The command ``daifuku dedup`` is ``customers/management/commands/dedup.py``.
"""


def ready() -> None:
    """Register the read policies of the dedup models (called from an AppConfig.ready)."""
    from daifuku.accounts.permissions import register_policy

    from ..models import DuplicateGroup, MergeJournal
    from .selectors import group_policy, journal_policy

    register_policy(DuplicateGroup, group_policy)
    register_policy(MergeJournal, journal_policy)
