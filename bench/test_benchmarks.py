"""Every benchmark runs once at the tiny scale so benchmark code never rots. No timing is
asserted here (timed assertions do not belong in tests); the checks are that each
benchmark runs, measures against a baseline and reports well-formed results."""

import pytest

from bench import runner


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", runner.available())
def test_benchmark_runs_at_tiny_scale(name):
    results = runner.run([name], "tiny", save=False, echo=lambda *_: None)
    assert results, f"{name} produced no result"
    for result in results:
        assert result.scale == "tiny"
        assert result.metrics and result.baseline, f"{result.benchmark} must measure a baseline in the same run"
        assert result.ratio is not None
