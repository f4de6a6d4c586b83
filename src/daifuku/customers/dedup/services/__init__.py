"""Every write of 名寄せ (docs/architecture.md convention 1), one module each; nothing is
imported here, so the scan job (``dedup.jobs``) can import ``.candidates`` while
``.decisions`` queues that job.

* :mod:`.merge` — ``merge_people`` / ``merge_companies`` / ``undo_merge``;
* :mod:`.journal` — ``move_rows`` / ``delete_rows`` for ``customer.merging`` participants;
* :mod:`.decisions` — decisions on candidate groups (merge, not a duplicate), queuing a scan;
* :mod:`.candidates` — the scan storing the candidate groups it found.
"""
