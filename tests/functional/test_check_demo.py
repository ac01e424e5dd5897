"""The planted demo set (data/raw/check-demo): pull it, check it, find both problems by ID."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from tests.functional.conftest import ROOT, cli


def test_demo_finds_planted_contradiction_and_out_of_bounds_box(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data" / "raw" / "check-demo", tmp_path / "data" / "raw" / "check-demo")
    shutil.copytree(ROOT / "expectations", tmp_path / "expectations")
    (tmp_path / "pipelines").mkdir()
    shutil.copy(ROOT / "pipelines" / "contract.yaml", tmp_path / "pipelines" / "contract.yaml")
    (tmp_path / "pipelines" / "sources.yaml").write_text(
        "sources:\n  - name: check-demo\n    format: label-studio\n"
        "    paths: [data/raw/check-demo/tasks.json]\n"
        "    options: {label_config: data/raw/check-demo/label_config.xml}\n"
    )
    assert cli("pull", cwd=tmp_path).returncode == 0
    done = cli("check", "--in", "data/staged", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    labels = pq.read_table(tmp_path / "data" / "staged" / "labels.parquet").to_pylist()
    by_ref = {lb["source_ref"].split("#")[1]: lb["label_id"] for lb in labels}
    caption = by_ref["/0/annotations/0/result/1"]  # "A dog sleeps on the sofa", one Cat box
    box = by_ref["/1/annotations/0/result/0"]  # Dog box from 70 % of the width, 45 % wide
    cat = by_ref["/0/annotations/0/result/0"]  # the Cat box the "dog" caption does not name
    fails = pq.read_table(tmp_path / "reports" / "check" / "failures.parquet").to_pylist()
    found = {(f["expectation"], f["record_id"]) for f in fails}
    assert found == {
        ("text_names_missing_object", caption),
        ("box_inside_image", box),
        ("region_mentioned", cat),  # the contract's require_mention: [Animal]
    }
    assert "dog" in done.stdout or "text_names_missing_object" in done.stdout
