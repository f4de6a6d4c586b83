"""Conversion funnel and bottleneck (seed 001: find where deals get stuck).

Input: the ordered open stages of a pipeline, which stages are won/lost, and stage flows
``(from_stage_id, to_stage_id, moves, seconds_in_from)`` over the chosen period
(``from_stage_id`` 0 = created there). For each open stage:

* entered   = moves into the stage (including deals created in it);
* exited    = moves out of it; advanced = moves to a later open stage or to a won stage;
* conversion = advanced / exited (the share of deals leaving the stage that went forward);
* average days in stage = seconds spent in it by the deals that left / exited.

The bottleneck is the stage with the worst conversion (biggest drop) and the stage with
the longest average wait; ties go to the earlier stage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass
class FunnelRow:
    stage_id: int
    name: str
    entered: int = 0
    exited: int = 0
    advanced: int = 0
    seconds: int = 0

    @property
    def conversion(self) -> float | None:
        return None if not self.exited else self.advanced / self.exited

    @property
    def conversion_percent(self) -> float | None:
        return None if self.conversion is None else round(self.conversion * 100, 1)

    @property
    def average_days(self) -> float | None:
        return None if not self.exited else round(self.seconds / self.exited / 86400, 1)


@dataclass
class Funnel:
    rows: list[FunnelRow]
    won: int
    lost: int
    worst_drop_stage_id: int | None
    longest_wait_stage_id: int | None

    @property
    def win_rate_percent(self) -> float | None:
        closed = self.won + self.lost
        return None if not closed else round(self.won * 100 / closed, 1)


def compute(
    stages: Sequence[tuple[int, str]],
    won_ids: Iterable[int],
    lost_ids: Iterable[int],
    flows: Iterable[tuple[int, int, int, int]],
) -> Funnel:
    won_ids, lost_ids = set(won_ids), set(lost_ids)
    position = {stage_id: index for index, (stage_id, _) in enumerate(stages)}
    rows = {stage_id: FunnelRow(stage_id, name) for stage_id, name in stages}
    won = lost = 0
    for from_id, to_id, moves, seconds in flows:
        moves, seconds = int(moves or 0), int(seconds or 0)
        if to_id in rows:
            rows[to_id].entered += moves
        if to_id in won_ids:
            won += moves
        elif to_id in lost_ids:
            lost += moves
        source = rows.get(from_id)
        if source is None:
            continue
        source.exited += moves
        source.seconds += seconds
        if to_id in won_ids or (to_id in position and position[to_id] > position[from_id]):
            source.advanced += moves
    ordered = [rows[stage_id] for stage_id, _ in stages]
    measured = [row for row in ordered if row.exited]
    worst = min(measured, key=lambda r: (r.conversion, position[r.stage_id]), default=None)
    slowest = max(
        measured, key=lambda r: (r.seconds / r.exited, -position[r.stage_id]), default=None
    )
    return Funnel(
        ordered, won, lost, worst.stage_id if worst else None, slowest.stage_id if slowest else None
    )
