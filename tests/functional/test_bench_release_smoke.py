"""Smoke test of the release benchmark on a small size: it runs end to end, the timed release
sees the 1 % change as a typed diff, and both programs are measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.functional.test_bench_smoke import load

pytestmark = pytest.mark.slow


def test_release_benchmark_runs(tmp_path: Path) -> None:
    bench = load("run_release")
    doc = bench.bench(3000, 1, tmp_path)
    assert doc["changed_rows"] > 0
    for program in ("baseline", "release"):
        assert doc[program]["cpu_s"] > 0 and doc[program]["maxrss_mb"] > 0
    assert (tmp_path / "project-3000" / "data/releases/1.0.1/changes.parquet").exists()
