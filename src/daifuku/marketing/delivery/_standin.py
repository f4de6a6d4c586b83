"""Stand-in for ``marketing.templating`` until the template engine is merged (removed
then): ``{{ name }}`` replaced by the context's value, nothing else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape

_FIELD = re.compile(r"{{\s*([a-z_]+)\s*}}")


@dataclass
class RenderedMail:
    subject: str
    html: str
    text: str


@dataclass
class CompiledMail:
    subject: str
    html: str
    text: str
    fields: frozenset[str] = frozenset()

    def render(self, context: dict) -> RenderedMail:
        def fill(source: str, html: bool) -> str:
            def value(match: re.Match) -> str:
                found = str(context.get(match.group(1), ""))
                return escape(found) if html else found

            return _FIELD.sub(value, source)

        return RenderedMail(
            fill(self.subject, False), fill(self.html, True), fill(self.text, False)
        )


def compile_mail(subject: str, html: str, text: str) -> CompiledMail:
    fields = frozenset(_FIELD.findall(subject + html + text))
    return CompiledMail(subject, html, text, fields)


def recipient_contexts(person_ids, *, fields=None) -> dict[int, dict[str, Any]]:
    from daifuku.customers.models import Person

    out = {}
    for pk, family, given in Person.objects.filter(pk__in=list(person_ids)).values_list(
        "pk", "family_name", "given_name"
    ):
        full = " ".join(p for p in (family, given) if p)
        out[pk] = {
            "family_name": family,
            "given_name": given,
            "display_name": f"{full} 様",
            "age_band": "",
        }
    return out


def persona_chooser():
    from ..models import Persona

    default = Persona.objects.filter(is_default=True).first()
    return lambda band: default


def persona_context(persona) -> dict[str, Any]:
    return {"persona_name": persona.from_name if persona else ""}
