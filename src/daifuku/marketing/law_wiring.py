"""Where the mail-law part plugs in (called from ``MarketingConfig.ready``): the unsubscribe
headers and legal footer on every advertising mail, the pre-send check of the display
items, the guard on consent evidence, the settings hub's links, and the person page's
panel of mail topics and suppression."""

from __future__ import annotations


def register() -> None:
    from django.db.models.signals import pre_delete

    from daifuku.core import panels
    from daifuku.customers.models import Consent

    from .mailing import hooks, law
    from .services.consent_retention import guard_consent_delete

    # early: the footer exists before later hooks run (tracking should leave /m/u/ links alone)
    hooks.register_compose_hook(law.add_unsubscribe, order=10)
    hooks.register_preflight_check(law.legal_problems, order=10)
    # a guard, not a reaction: the only way to stop every deletion path at once
    pre_delete.connect(guard_consent_delete, sender=Consent, dispatch_uid="consent_retention")
    panels.register(
        "settings", "marketing/law/_settings_links.html", lambda request, obj: {}, order=65
    )
    from .selectors.person_mail import person_mail_panel

    # the person's page: topics received or refused, suppressed addresses (read-only)
    panels.register(
        "person.top", "marketing/partials/_person_mail_panel.html", person_mail_panel, order=80
    )
