"""Discovers ``bench/bench_*.py`` and runs them against a dedicated benchmark database."""

from __future__ import annotations

import importlib
from pathlib import Path

from . import common


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))


def run(
    names: list[str] | None, scale: str, *, save: bool = True, echo=print
) -> list[common.Result]:
    results: list[common.Result] = []
    for name in names or available():
        module = importlib.import_module(f"bench.bench_{name}")
        echo(f"== {name} ({scale})")
        produced = module.run(scale)
        for result in produced:
            echo(
                f"   {result.benchmark}: {result.metrics} | baseline {result.baseline} | ratio {result.ratio}"
                + (
                    ""
                    if result.passed is None
                    else f" | goal {'met' if result.passed else 'MISSED'}"
                )
            )
        common.write(produced, save=save)
        results.extend(produced)
    return results
