"""Mail templates: the sandboxed engine, merge fields, blocks by rank / buyer / age band,
CSS inlining and the choice of sender persona (docs/mail-templates.md,
docs/adr/0010-mail-templates.md).

The delivery engine's use::

    compiled = compile_mail(campaign.subject, campaign.html, campaign.text)  # once
    contexts = recipient_contexts(person_ids, fields=compiled.fields)       # per batch
    choose = persona_chooser()                                              # once
    ctx = {**contexts[pid], **persona_context(choose(contexts[pid]["age_band"]))}
    mail = compiled.render(ctx)                                             # per recipient
"""

from .engine import CompiledMail, RenderedMail, TemplateInvalid, check_template, compile_mail
from .fields import (
    AGE_BAND_LABELS,
    ITEM_KEYS,
    MERGE_FIELDS,
    company_contexts,
    recipient_contexts,
)
from .personas import choose_persona, persona_chooser, persona_context
from .preview import context_for, preview

__all__ = [
    "AGE_BAND_LABELS",
    "ITEM_KEYS",
    "MERGE_FIELDS",
    "CompiledMail",
    "RenderedMail",
    "TemplateInvalid",
    "check_template",
    "choose_persona",
    "company_contexts",
    "compile_mail",
    "context_for",
    "persona_chooser",
    "persona_context",
    "preview",
    "recipient_contexts",
]
