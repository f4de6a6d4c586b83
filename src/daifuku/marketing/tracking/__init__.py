"""Tracking of marketing mail: what a recipient did with a mail.

* :mod:`.links` — the compose hook that rewrites every link of a mail into a signed
  redirect through this install and adds the open pixel; the signature makes the redirect
  useless as an open redirect (a link nobody signed is a 400 page, never a redirect);
* :mod:`.machine` — telling a person's open from a privacy proxy's or a scanner's fetch;
* :mod:`.views` / :mod:`.urls` — the pixel and the redirect, answered without a login;
* :mod:`.timeline` — opens and clicks on the person's 360° timeline.

What the hits become (mail events, deliveries' first open and click, conversions) is
written by ``marketing.services.tracking`` and ``marketing.services.conversions``; the
figures are read by ``marketing.selectors.mail_stats``.
"""
