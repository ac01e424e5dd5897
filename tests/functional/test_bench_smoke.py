"""Smoke test of the pull benchmark: generator, baseline and the real pull on a small export.

No timing assertions: it checks that the benchmark still runs end to end and that pull keeps
every region the baseline keeps, less what it quarantines.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import orjson
import pyarrow.parquet as pq
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
REGIONS = 2_000

pytestmark = pytest.mark.slow


def load(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` (the folder is not a package; its modules import each
    other by plain name)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def regions_of(tasks: list[dict]) -> list[tuple[dict, dict]]:
    """(task, result) for every result that is not a relation."""
    return [
        (task, r)
        for task in tasks
        for p in task["annotations"] + task["predictions"]
        for r in p["result"]
        if r["type"] != "relation"
    ]


def test_generator_is_exact_and_deterministic(tmp_path: Path) -> None:
    gen = load("generate_ls")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    stats = gen.generate(a, 500, seed=3)
    gen.generate(b, 500, seed=3)
    assert a.read_bytes() == b.read_bytes()
    tasks = orjson.loads(a.read_bytes())
    regions = regions_of(tasks)
    assert len(regions) == stats["regions"] == 500
    assert len({t["id"] for t in tasks}) == len(tasks) == stats["tasks"]
    for task, r in regions:
        if r["type"] == "labels" and "text" in r["value"]:
            v = r["value"]
            assert task["data"]["text"][v["start"] : v["end"]] == v["text"]


def test_pull_keeps_what_the_baseline_keeps(tmp_path: Path) -> None:
    runner = load("run")
    doc = runner.bench([REGIONS], 1, 0, tmp_path, programs=("baseline", "pull", "pull_serial"))
    export = doc["sizes"][0]["export"]
    assert export["regions"] == REGIONS
    assert "pull/baseline" in runner.table(doc)

    base = tmp_path / "runs" / f"baseline-{REGIONS}"
    base_rows = pq.read_metadata(base / "labels.parquet").num_rows
    # a per-region transcript (textarea) fills its segment's text rather than making a row
    assert base_rows == REGIONS - export["results_by_type"]["textarea"]
    for program in ("pull", "pull_serial"):
        out = tmp_path / "runs" / f"{program}-{REGIONS}"
        report = json.loads((out / "pull.json").read_text())
        labels = report.get("counts", report)["labels"]
        pull_rows = pq.read_metadata(out / "labels.parquet").num_rows
        assert labels["in"] == labels["taken"] + labels["quarantined"]
        assert pull_rows >= base_rows - labels["quarantined"]
