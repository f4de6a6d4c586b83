"""A mail as one chosen customer will receive it: the template screens' preview and test
send, and the campaign screen's."""

from __future__ import annotations

from typing import Any

from .engine import RenderedMail, compile_mail
from .fields import recipient_contexts
from .personas import choose_persona, persona_context


def preview(campaign_or_template: Any, person: Any) -> RenderedMail:
    """Render a campaign or template (anything with ``subject``, ``html``, ``text``, and
    optionally ``persona``) for ``person`` (a Person or its id; None = the merge fields
    empty). The campaign's persona when it has one, else the one chosen by age band."""
    compiled = compile_mail(
        campaign_or_template.subject, campaign_or_template.html, campaign_or_template.text
    )
    return compiled.render(context_for(person, getattr(campaign_or_template, "persona", None)))


def context_for(person: Any, persona: Any = None) -> dict[str, Any]:
    """One person's merge fields with the persona's signature."""
    pk = getattr(person, "pk", person)
    context: dict[str, Any] = recipient_contexts([pk]).get(pk, {}) if pk else {}
    if persona is None:
        persona = choose_persona(context.get("age_band") or None)
    context.update(persona_context(persona))
    return context
