"""A record of the CRM's own mails the suppression list held back (marketing.mail_backend):
who would have got which mail, in the audit trail, so "why did the customer not get the
reminder?" has an answer."""

from __future__ import annotations

from daifuku.core import audit


def record_held_back(*, addresses: list[str], subject: str) -> None:
    audit.record(
        actor="mail backend",
        action="mail_held_back",
        object_type="marketing.suppression",
        object_repr=", ".join(addresses)[:200],
        changes={"to": addresses, "subject": subject[:200]},
        note="suppressed",
    )
