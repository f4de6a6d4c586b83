"""Deliverability (到達性): what happens to a mail after it left — bounces and complaints
coming back, and what makes receiving servers trust it in the first place.

* :mod:`.verp` — the return path ``bounce+b-<token>@…`` naming the delivery, and the
  ``X-Daifuku-Delivery`` header (a compose hook);
* :mod:`.parse` — reading a returned message: a DSN (RFC 3464), a complaint (ARF, RFC 5965)
  or a plain-text bounce from an older server, into a :class:`.parse.Report`;
* :mod:`.intake` — one returned message in, the outcome out (matching the delivery, then
  ``services.feedback`` records it); :mod:`.imap` polls a mailbox, :mod:`.smtp` receives on
  a port (``daifuku bounces --listen``);
* :mod:`.dkim` — signing outgoing mail (a bytes hook) and generating the key;
* :mod:`.dns` and :mod:`.checks` — SPF, DKIM and DMARC of the From domain before a send,
  and the Gmail / Yahoo bulk-sender rules.

Users' and administrators' guide: docs/mail-deliverability.md.
"""
