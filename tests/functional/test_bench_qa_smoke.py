"""Smoke test of the QA benchmark's issue shape on 20,000 labels: two passes per item, the
second a perturbed copy of the first (most of its boxes overlap one of the first pass at
IoU >= 0.5, not all), and the runner keys its results by (labels, shape)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.functional.conftest import ROOT
from tests.functional.test_bench_smoke import load

pytestmark = pytest.mark.slow

LABELS = 20_000

BEST_IOU = """
WITH l AS (
    SELECT l.item_id, l.label_id, l.x, l.y, l.w, l.h,
           -- the pass: bench.json#/<item>/annotations/<pass>
           split_part(a.source_ref, '/', 4)::INT AS pass
    FROM read_parquet($labels) l JOIN read_parquet($annotations) a USING (annotation_id)
    WHERE l.kind = 'box'),
o AS (
    SELECT b.label_id,
           greatest(0, least(a.x + a.w, b.x + b.w) - greatest(a.x, b.x))
           * greatest(0, least(a.y + a.h, b.y + b.h) - greatest(a.y, b.y)) AS inter,
           a.w * a.h + b.w * b.h AS areas
    FROM l b LEFT JOIN l a ON a.item_id = b.item_id AND a.pass = 0
    WHERE b.pass = 1)
SELECT label_id, max(coalesce(inter / (areas - inter), 0)) AS iou FROM o GROUP BY label_id
"""
"""For every box of pass 2, its best IoU with a box of pass 1 of the same item."""


def test_issue_shape(tmp_path: Path) -> None:
    counts = load("canonical").generate(tmp_path, LABELS, shape="issue")
    con = duckdb.connect()
    tables = {t: str(tmp_path / f"{t}.parquet") for t in ("annotations", "labels")}
    per_item = con.sql(
        "SELECT DISTINCT count(*) FROM read_parquet($annotations) GROUP BY item_id",
        params={"annotations": tables["annotations"]},
    ).fetchall()
    assert per_item == [(2,)]
    assert counts["items"] == LABELS // 10 and counts["annotations"] == 2 * counts["items"]
    # pass 2 keeps most labels of pass 1 and adds a few: within 3 % of the size asked
    assert 0.97 * LABELS <= counts["labels"] <= LABELS
    second = con.sql(
        "SELECT origin, count(*) FROM read_parquet($annotations) "
        "WHERE source_ref LIKE '%/annotations/1' GROUP BY origin",
        params={"annotations": tables["annotations"]},
    ).fetchall()
    by_origin = dict(second)
    assert by_origin.keys() == {"human", "model"} and by_origin["human"] > 3 * by_origin["model"]
    ious = [iou for _, iou in con.sql(BEST_IOU, params=tables).fetchall()]
    matched = [iou for iou in ious if iou >= 0.5]
    assert len(ious) > 1000
    assert 0.8 <= len(matched) / len(ious) < 0.98  # most, not all: loose and extra boxes
    assert sum(1 for iou in matched if iou < 0.999) > 0.9 * len(matched)  # moved, not copied


def test_runner_keys_results_by_shape(tmp_path: Path) -> None:
    results = tmp_path / "qa.json"
    # an entry as the runner wrote them before there were two shapes (three passes)
    old = {"labels": LABELS, "runs": {"baseline": [], "qa": [{}]}, "summary": {}}
    results.write_text(json.dumps({"benchmark": "qa", "sizes": [old]}))
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_qa.py"), "--labels", str(LABELS),
         "--repeat", "1", "--work", str(tmp_path), "--json", str(results)],
        cwd=ROOT / "benchmarks", capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sizes = json.loads(results.read_text())["sizes"]
    assert [(s["labels"], s["shape"]) for s in sizes] == [(LABELS, "issue"), (LABELS, "three-pass")]
    new = sizes[0]
    assert (tmp_path / f"canonical-issue-{LABELS}" / "labels.parquet").exists()
    assert new["pairs"] == LABELS // 10  # one pair of passes per item
    assert new["matched"] > 0.75 * new["units"]  # the passes mostly agree
    assert 0 < new["disagreements"]["presence"] < 0.25 * new["units"]
    assert new["generate_s"] is not None and new["labelrelease_source"]["commit"]
