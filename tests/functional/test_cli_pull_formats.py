"""``labelrelease pull`` over COCO, CVAT and doccano files in one call, as a user runs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from tests.functional.conftest import ASSETS, cli

FILES = {
    "coco.json": ASSETS / "coco" / "annotations" / "instances_val.json",
    "cvat.xml": ASSETS / "cvat" / "for_images" / "export_task" / "train.xml",
    "ner.jsonl": ASSETS / "doccano" / "sequence_labeling" / "import_example.jsonl",
    "ls.json": ASSETS / "label-studio" / "label-studio-sdk" / "test_export_csv" / "csv_test.json",
}


def make_project(root: Path, doccano_options: str) -> Path:
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    for name, path in FILES.items():
        shutil.copy(path, raw / name)
    (root / "pipelines").mkdir()
    (root / "pipelines" / "sources.yaml").write_text(
        "sources:\n"
        "  - name: mixed\n"  # formats detected per file
        "    paths: [data/raw/coco.json, data/raw/cvat.xml, data/raw/ls.json]\n"
        "  - name: ner\n"
        "    format: doccano\n"
        "    paths: [data/raw/ner.jsonl]\n"
        f"    options: {doccano_options}\n",
        encoding="utf-8",
    )
    return root


def test_mixed_formats_in_one_pull(tmp_path: Path) -> None:
    project = make_project(tmp_path, "{text_key: column_data, label_key: column_label}")
    result = cli("pull", "--out", "data/staged", cwd=project)
    assert result.returncode == 0, result.stderr
    staged = project / "data" / "staged"
    counts = json.loads((staged / "pull.json").read_text())
    counts = counts.get("counts", counts)
    assert counts["files"] == {**counts["files"], "in": 4, "taken": 4, "quarantined": 0}
    labels = pq.read_table(staged / "labels.parquet").to_pylist()
    by_file = {r["source_ref"].split("#")[0] for r in labels}
    assert by_file == {f"data/raw/{name}" for name in FILES}
    spans = [r for r in labels if r["source_ref"].startswith("data/raw/ner.jsonl")]
    assert sorted(r["text"] for r in spans) == ["EU", "Obama", "Peter Blackburn"]


def test_unknown_doccano_option_is_a_config_error(tmp_path: Path) -> None:
    project = make_project(tmp_path, "{text_column: column_data}")
    result = cli("pull", "--out", "data/staged", cwd=project)
    assert result.returncode == 3
    assert "text_column" in result.stderr and "text_key" in result.stderr
    assert "Traceback" not in result.stderr
