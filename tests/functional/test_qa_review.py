"""The review round trip: qa → export → a reviewer edits → import → qa sees the edit."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from tests.functional.conftest import ROOT, cli

PARAMS = """\
pull:
  sources: pipelines/sources.yaml
  contract: pipelines/contract.yaml
  out: data/staged
qa:
  in: data/staged
  seed: review-test
  rate: 1.0
  max_per_stratum: 100
  blind_share: 0.25
  gates: {}
"""

SOURCES = """\
sources:
  - name: multimodal-demo
    format: label-studio
    paths: [data/raw/multimodal/tasks.json]
    options: {label_config: data/raw/multimodal/label_config.xml}
"""


def _project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data" / "raw" / "multimodal", tmp_path / "data/raw/multimodal")
    (tmp_path / "pipelines").mkdir()
    shutil.copy(ROOT / "pipelines" / "contract.yaml", tmp_path / "pipelines" / "contract.yaml")
    (tmp_path / "pipelines" / "sources.yaml").write_text(SOURCES)
    (tmp_path / "params.yaml").write_text(PARAMS)
    assert cli("pull", cwd=tmp_path).returncode == 0
    return tmp_path


def _reviewer_pairs(project: Path) -> dict[str, dict[str, str]]:
    with (project / "reports/qa/annotator_pairs.csv").open() as f:
        return {row["pair"]: row for row in csv.DictReader(f) if "reviewer@" in row["pair"]}


def test_export_edit_import_shows_the_reviewers_disagreement(tmp_path: Path) -> None:
    project = _project(tmp_path)
    run = cli("qa", cwd=project)
    assert run.returncode == 0, run.stderr
    tasks = json.loads((project / "data/qa/review_tasks.json").read_text())
    blind = [t for t in tasks if t["meta"]["blind"]]
    assert blind and all("predictions" not in t for t in blind)
    assert any(t.get("predictions") for t in tasks)

    # The reviewer accepts every prediction as drawn, except that the first box of each task
    # gets another class.
    reviewed, changed = [], 0
    for task in tasks:
        if not task.get("predictions"):
            continue
        result = copy.deepcopy(task["predictions"][0]["result"])
        boxes = [r for r in result if r["type"] == "rectanglelabels"]
        if boxes:
            old = boxes[0]["value"]["rectanglelabels"][0]
            boxes[0]["value"]["rectanglelabels"] = ["Truck" if old != "Truck" else "Car"]
            changed += 1
        person = {"id": 77, "email": "reviewer@example.com"}
        annotation = {"id": 9000 + task["id"], "completed_by": person, "result": result}
        reviewed.append({**task, "annotations": [annotation]})
    assert changed
    path = project / "reviewed.json"
    path.write_text(json.dumps(reviewed))

    imported = cli("qa", "import", str(path), cwd=project)
    assert imported.returncode == 0, imported.stderr
    assert (project / "data/qa-reviews/labels.parquet").is_file()
    sample_before = pq.read_table(project / "data/qa/sample.parquet")
    again = cli("qa", cwd=project)
    assert again.returncode == 0, again.stderr
    # the reviews add passes to compare; they do not change which items are sampled
    assert pq.read_table(project / "data/qa/sample.parquet").equals(sample_before)
    pairs = _reviewer_pairs(project)
    assert pairs, "the reviewer's passes are compared with the others"
    # The reviewer copied the current labels: boxes, spans and segments match, and exactly the
    # changed boxes differ in class.
    classes = [float(r["class"]) for r in pairs.values() if r["class"]]
    assert any(c > 0 for c in classes)
    human = [r for p, r in pairs.items() if not p.startswith("model:")]
    assert any(float(r["presence"]) == 0.0 for r in human if r["presence"])


def test_import_of_a_file_not_from_the_export_is_one_clear_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert cli("qa", cwd=project).returncode == 0
    path = project / "foreign.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": "x"}, "annotations": []}]))
    run = cli("qa", "import", str(path), cwd=project)
    assert run.returncode == 9
    assert "meta.item_id" in run.stderr
    assert "Traceback" not in run.stderr
