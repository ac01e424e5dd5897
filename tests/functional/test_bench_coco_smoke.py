"""Smoke test of the COCO import benchmark: generator, baseline and the real pull on a small
file. No timing assertions: it checks that the benchmark still runs end to end and that pull
makes the same label rows as the baseline from valid generated data."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

from tests.functional.test_bench_smoke import load

ANNOTATIONS = 2_000

pytestmark = pytest.mark.slow


def test_generator_is_exact_and_deterministic(tmp_path: Path) -> None:
    gen = load("generate_coco")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    stats = gen.generate(a, 700, seed=5)
    gen.generate(b, 700, seed=5)
    assert a.read_bytes() == b.read_bytes()
    doc = orjson.loads(a.read_bytes())
    assert len(doc["annotations"]) == stats["annotations"] == 700
    assert sum(stats["kinds"].values()) == 700
    cats = {c["id"] for c in doc["categories"]}
    assert cats != set(range(1, len(cats) + 1))  # non-contiguous ids, as in COCO
    assert {a["category_id"] for a in doc["annotations"]} <= cats


def test_pull_makes_the_baseline_rows(tmp_path: Path) -> None:
    runner = load("run_coco")
    doc = runner.bench([ANNOTATIONS], 1, 0, tmp_path)
    assert "pull/baseline" in runner.markdown(doc)
    base = pq.read_metadata(tmp_path / "runs" / f"coco-baseline-{ANNOTATIONS}" / "labels.parquet")
    out = tmp_path / "runs" / f"coco-pull-{ANNOTATIONS}"
    report = json.loads((out / "pull.json").read_text())
    counts = report.get("counts", report)
    assert counts["labels"]["quarantined"] == 0
    assert counts["labels"]["taken"] == base.num_rows
    assert pq.read_metadata(out / "labels.parquet").num_rows == base.num_rows
    assert counts["links"]["taken"] > 0
