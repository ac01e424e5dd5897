"""Smoke test of the WebVTT benchmark: generator, both baselines and the real pull on a small
transcript. No timing assertions: it checks that the benchmark still runs and that pull takes
every cue the plain baseline takes, less what it quarantines, and counts every cue block."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.functional.test_bench_smoke import load

CUES = 3_000

pytestmark = pytest.mark.slow


def test_generator_is_deterministic(tmp_path: Path) -> None:
    gen = load("generate_vtt")
    a, b = tmp_path / "a.vtt", tmp_path / "b.vtt"
    stats = gen.generate(a, 500, seed=3)
    gen.generate(b, 500, seed=3)
    assert a.read_bytes() == b.read_bytes()
    assert stats["cues"] == 500 and stats["voiced"] > 0


def test_pull_takes_what_the_baselines_take(tmp_path: Path) -> None:
    runner = load("run_vtt")
    doc = runner.bench([CUES], 1, 0, tmp_path)
    assert "pull /" in runner.table(doc)
    stats = doc["sizes"][0]["file"]
    runs = tmp_path / "runs"
    plain = pq.read_table(runs / f"vtt-baseline_plain-{CUES}" / "labels.parquet")
    webvtt_py = pq.read_metadata(runs / f"vtt-baseline_webvtt_py-{CUES}" / "labels.parquet")
    report = json.loads((runs / f"vtt-pull-{CUES}" / "pull.json").read_text())
    labels = report["labels"]
    assert labels["in"] == stats["cues"] == labels["taken"] + labels["quarantined"]
    assert set(labels["reasons"]) <= {"missing_timing", "inverted_span"}
    # the plain baseline keeps cues that end before they start; pull quarantines them
    assert labels["taken"] == plain.num_rows - labels["reasons"].get("inverted_span", 0)
    assert webvtt_py.num_rows == plain.num_rows
    pulled = pq.read_table(runs / f"vtt-pull-{CUES}" / "labels.parquet", columns=["text"])
    assert not any("<" in t for t in pulled["text"].to_pylist())
