"""Test data for sales, made through the services: a pipeline and its deals. Tests of
other apps reach it as they reach sales itself (apps below sales by name, through
importlib, so the layers contract still holds for their code)."""

from __future__ import annotations

import datetime as dt

# The shortest pipeline a deal can be won or lost in
SHORT_STAGES = (
    {"name": "見込み", "probability": 10},
    {"name": "受注", "kind": "won"},
    {"name": "失注", "kind": "lost"},
)
# The usual one: proposal and negotiation between, with rotting days
USUAL_STAGES = (
    {"name": "見込み", "probability": 10, "rotting_days": 30},
    {"name": "提案", "probability": 40},
    {"name": "交渉", "probability": 80, "rotting_days": 7},
    {"name": "受注", "kind": "won"},
    {"name": "失注", "kind": "lost", "probability": 0},
)


def pipeline(*, name: str = "新規開拓", stages=SHORT_STAGES, actor="test"):
    from daifuku.sales.services import create_pipeline

    return create_pipeline(actor=actor, name=name, stages=[dict(stage) for stage in stages])


def deal(actor, pipeline, **data):
    """A deal in ``pipeline``; give its customer as ``company_id`` or ``person_id``."""
    from daifuku.sales.services import create_deal

    values = {
        "title": "基幹システム更改",
        "pipeline_id": pipeline.pk,
        "amount": 1_000_000,
        "expected_close": dt.date(2026, 5, 20),
        **data,
    }
    return create_deal(actor=actor, data=values)
