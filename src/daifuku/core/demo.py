"""The demo-data registry: each domain adds its part of ``daifuku demo``.

``daifuku demo`` creates the demo users and customers, then calls every registered hook in
registration order (apps register in their ``AppConfig.ready()``), so later domains —
touches, deals, campaigns, inquiries — put their demo data next to the customers without
core knowing them::

    from daifuku.core import demo

    def add_demo_deals(context: demo.DemoContext) -> str:
        ...
        return "12 deals"

    demo.register("sales.deals", add_demo_deals)

A hook receives a :class:`DemoContext` (the demo users by username, the ids of the seeded
people and companies, a seeded ``random.Random``) and returns a short summary line (or
None). Hooks write through their domain's services like any other caller. ``run_all``
calls each hook in its own savepoint: one broken hook is reported and does not take the
others' data with it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction


@dataclass
class DemoContext:
    """What the demo hooks build on."""

    users: dict = field(default_factory=dict)  # username → User
    person_ids: list[int] = field(default_factory=list)
    company_ids: list[int] = field(default_factory=list)
    random: random.Random = field(default_factory=lambda: random.Random(2026))


@dataclass(frozen=True)
class HookResult:
    name: str
    ok: bool
    summary: str = ""


Hook = Callable[[DemoContext], "str | None"]

_hooks: dict[str, Hook] = {}


def register(name: str, fn: Hook) -> None:
    """Add (or, under the same name, replace) a demo-data hook."""
    _hooks[name] = fn


def unregister(name: str) -> None:
    _hooks.pop(name, None)


def registered() -> list[str]:
    return list(_hooks)


def run_all(context: DemoContext) -> list[HookResult]:
    """Call every hook; a hook that raises is rolled back and reported, not fatal."""
    results: list[HookResult] = []
    for name, fn in list(_hooks.items()):
        try:
            with transaction.atomic():
                summary = fn(context)
        except Exception as exc:  # noqa: BLE001 — report any failure and keep going
            results.append(HookResult(name, False, f"{type(exc).__name__}: {exc}"))
        else:
            results.append(HookResult(name, True, summary or ""))
    return results
