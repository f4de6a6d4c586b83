"""Synthetic, realistic Japanese CRM data for demos and benchmarks.

Nothing here touches the database: :class:`~.generator.SeedGenerator` yields plain
dataclasses (:class:`~.generator.PersonSeed`, :class:`~.generator.CompanySeed`) that the
``daifuku seed`` command turns into model rows. Names, readings, postal codes and
corporate-number check digits are real-shaped; e-mail addresses use only reserved
example domains.
"""

from .generator import CompanySeed, HouseholdSeed, PersonSeed, SeedGenerator

__all__ = ["CompanySeed", "HouseholdSeed", "PersonSeed", "SeedGenerator"]
