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
        assert result.metrics and result.baseline, (
            f"{result.benchmark} must measure a baseline in the same run"
        )
        assert result.ratio is not None


@pytest.mark.django_db(transaction=True)
def test_the_like_for_like_baseline_really_imports_every_row():
    """The import benchmark's ratio is read against django-import-export doing the same
    import through the services (ADR 0005): a baseline that failed its rows would make
    the ratio meaningless, so every row must be created or reported invalid by a check."""
    from bench import bench_import, import_baselines

    path = bench_import.make_file(60)
    result = import_baselines.through_services(path, 60)
    assert result["errors"] == 0
    assert result["created"] + result["updated"] + result["invalid"] == 60
    assert result["created"] >= 55


@pytest.mark.django_db(transaction=True)
def test_the_import_into_an_empty_ledger_creates_every_valid_row():
    """Reported beside the import into the benchmark ledger: a new database of its own,
    migrated in a forked process, every row of the file created there or reported."""
    from bench import bench_import

    result = bench_import.ours_in_subprocess(bench_import.make_file(60), empty_ledger=True)
    assert result["rows"] == 60
    assert result["created"] + result["failed"] == 60 and result["created"] >= 55
    assert not list(bench_import.DATA.glob("import-empty-*"))
