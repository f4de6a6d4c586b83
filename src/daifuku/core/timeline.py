"""The 360° timeline: a registry that every domain contributes entries to.

The customers app shows one merged, newest-first stream for a customer; touches (activities),
deals (sales), orders (commerce) and inquiries (service) register a *source* here in their
``AppConfig.ready()``. A source returns at most ``limit`` items older than ``before`` so the
page costs one small indexed query per source whatever the history length.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # "audit", "touch", "deal", …: picks the icon and the partial template
    title: str
    body: str = ""
    actor: str = ""
    url: str = ""
    template: str = ""  # partial that renders ``item`` richly; "" → generic rendering
    data: dict[str, Any] = field(default_factory=dict, compare=False)
    sort_id: int = 0  # tie-breaker inside one source


class TimelineSource(Protocol):
    def __call__(
        self, *, subject, user, before: dt.datetime | None, limit: int
    ) -> list[TimelineItem]: ...


_sources: dict[str, tuple[str, Callable[..., list[TimelineItem]]]] = {}


def register(name: str, subject_label: str, source: Callable[..., list[TimelineItem]]) -> None:
    """Register ``source`` for subjects of model ``subject_label`` ("customers.person")."""
    _sources[f"{subject_label}:{name}"] = (subject_label, source)


def sources_for(subject_label: str) -> list[str]:
    return [key.split(":", 1)[1] for key, (label, _) in _sources.items() if label == subject_label]


def collect(
    subject, *, user, before: dt.datetime | None = None, limit: int = 30, kinds=None
) -> list[TimelineItem]:
    """Newest ``limit`` items for ``subject`` across every registered source."""
    label = f"{subject._meta.app_label}.{subject._meta.model_name}"
    streams = []
    for key, (subject_label, source) in _sources.items():
        if subject_label != label:
            continue
        if kinds and key.split(":", 1)[1] not in kinds:
            continue
        streams.append(source(subject=subject, user=user, before=before, limit=limit))
    merged = heapq.merge(*streams, key=lambda item: (item.at, item.sort_id), reverse=True)
    return [item for _, item in zip(range(limit), merged, strict=False)]
