"""Benchmarks: each ``bench_<name>.py`` module has ``run(scale) -> list[Result]``.

Run with ``make bench SCALE=small|full`` (``daifuku bench``). Every figure is compared with a
baseline measured in the same run, because these machines are noisy; results go to
``bench/results/<name>.json`` and ``docs/benchmarks.md``."""
