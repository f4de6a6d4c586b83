"""From a delivery row to the :class:`OutgoingMail` the hooks and the encoder see.

Per campaign, once: the subject and bodies compiled (one compilation per A/B variant's
subject), the personas read, the sender settings read, the MIME shape fixed. Per batch:
the recipients' merge fields read set-based. Per recipient: the persona chosen by age band
(unless the campaign names one), the mail rendered by :func:`render_for`, the compose
hooks run (unsubscribe headers and legal footer, tracking links, the VERP return path).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .. import unsubscribe
from ..mailing import hooks
from ..mailing.hooks import OutgoingMail
from ..models import Campaign, CampaignVariant, Delivery, Persona
from ..selectors.sender import sender_context, sender_identity
from ..templating import compile_mail, persona_chooser, persona_context, recipient_contexts
from .mime import MessageShape


def render_for(delivery: Delivery, compiled: Any, context: dict) -> Any:
    """The one place a recipient's mail is rendered: ``compiled`` is the campaign's (or its
    variant's) ``CompiledMail``, ``context`` the recipient's merge fields with the
    persona's; returns the ``RenderedMail`` (subject, html, text)."""
    return compiled.render(context)


class CampaignRenderer:
    """Everything one campaign's messages share, built once per run of the engine."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        # the sender the law checked before the send (empty fields fall back to 自社情報)
        sender = sender_identity()
        self.sender_name = sender.name
        self.sender_email = sender.from_email or settings.DEFAULT_FROM_EMAIL
        self.sender_fields = sender_context(sender)  # for a template's own legal footer
        self.shape = MessageShape(reply_to=sender.reply_to)
        template = campaign.template
        self.subject = campaign.subject or (template.subject if template else "")
        own = bool(campaign.html or campaign.text) or template is None
        self.html = campaign.html if own else template.html  # type: ignore[union-attr]
        self.text = campaign.text if own else template.text  # type: ignore[union-attr]
        self._compiled: dict[int | None, Any] = {
            None: compile_mail(self.subject, self.html, self.text)
        }
        self.fields: set[str] = set(getattr(self._compiled[None], "fields", ()) or ())
        for variant in CampaignVariant.objects.filter(campaign=campaign):
            compiled = compile_mail(variant.subject, self.html, self.text)
            self._compiled[variant.pk] = compiled
            self.fields |= set(getattr(compiled, "fields", ()) or ())
        self.persona: Persona | None = campaign.persona
        self.choose = None if self.persona is not None else persona_chooser()

    def contexts(self, deliveries: list[Delivery]) -> dict[int, dict]:
        """The merge fields of the batch's recipients, in a few queries."""
        ids = [d.person_id for d in deliveries if d.person_id is not None]
        if not ids:
            return {}
        return recipient_contexts(ids, fields=self.fields or None)

    def outgoing(self, delivery: Delivery, context: dict) -> OutgoingMail:
        """The recipient's mail, rendered and passed through the compose hooks."""
        persona = self.persona
        if persona is None and self.choose is not None:
            persona = self.choose(context.get("age_band") or None)
        compiled = self._compiled.get(delivery.variant_id) or self._compiled[None]
        rendered = render_for(
            delivery,
            compiled,
            {
                **context,
                **persona_context(persona),
                **self.sender_fields,
                **unsubscribe.context_for(delivery.token),
            },
        )
        mail = OutgoingMail(
            delivery_id=delivery.pk,
            token=delivery.token,
            email=delivery.email,
            person_id=delivery.person_id,
            campaign_id=delivery.campaign_id,
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            from_name=(persona.from_name if persona else "") or self.sender_name,
            from_email=(persona.from_email if persona else "") or self.sender_email,
            is_advertising=self.campaign.is_advertising,
        )
        return hooks.compose(mail)
