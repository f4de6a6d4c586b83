"""Which sender persona a recipient's mail goes out under (seed 003): the first persona (by
its order on the list) whose age bands include the recipient's, else the default one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Persona


def persona_chooser() -> Callable[[str | None], Persona | None]:
    """Read the personas once; the returned function chooses for one age band without a
    query (a campaign chooses for every recipient)."""
    personas = list(Persona.objects.order_by("sort_order", "id"))
    by_band: dict[str, Persona] = {}
    for persona in personas:
        for band in persona.age_bands or []:
            by_band.setdefault(band, persona)
    default = next((p for p in personas if p.is_default), None)

    def choose(band: str | None) -> Persona | None:
        return by_band.get(band or "", default)

    return choose


def choose_persona(age_band: str | None) -> Persona | None:
    """The persona for one recipient's age band (a code of ``core.japanese.AGE_BANDS``, or
    None when the birthday is unknown): the first whose bands include it, else the default,
    else None (the mail goes out under the sender settings' name)."""
    return persona_chooser()(age_band)


def persona_context(persona: Persona | None) -> dict[str, Any]:
    """The persona's merge fields: ``{{ signature }}`` and ``{{ persona_name }}``."""
    if persona is None:
        return {"signature_text": "", "signature_html": "", "persona_name": ""}
    return {
        "signature_text": persona.signature_text,
        "signature_html": persona.signature_html,
        "persona_name": persona.from_name,
    }
