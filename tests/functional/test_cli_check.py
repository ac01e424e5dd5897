"""``labelrelease check`` as a user runs it: reports, gates (exit 6), --allow recorded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from tests.functional.conftest import ROOT, cli
from tests.unit.check.tables import base, changed, write


def _project(tmp: Path, gate: int) -> Path:
    rows = changed(base(), "labels", "lb_box", x=95.0)  # a box out of its 100 px image
    write(rows, tmp / "data" / "migrated")
    (tmp / "pipelines").mkdir()
    shutil.copy(ROOT / "pipelines" / "contract.yaml", tmp / "pipelines" / "contract.yaml")
    shutil.copytree(ROOT / "expectations", tmp / "expectations")
    (tmp / "params.yaml").write_text(
        "check:\n  in: data/migrated\n  gates:\n"
        f"    cross_modal_integrity_failures: {gate}\n    schema_error_rate: 0.0\n"
    )
    return tmp


def test_reports_and_metrics(tmp_path: Path) -> None:
    done = cli("check", cwd=_project(tmp_path, gate=1))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "reports" / "check.json").read_text())
    assert report["cross_modal_integrity_failures"] == 1
    assert report["by_modality_kind"]["cross_modal_integrity_failures"] == {"image": {"box": 1}}
    assert report["gates_passed"] is True and report["overrides"] == []
    fails = pq.read_table(tmp_path / "reports" / "check" / "failures.parquet").to_pylist()
    assert [(f["expectation"], f["record_id"], f["source_ref"]) for f in fails] == [
        ("box_inside_image", "lb_box", "t.json#/labels/lb_box")
    ]
    assert (fails[0]["item_id"], fails[0]["kind"], fails[0]["modality"]) == ("it1", "box", "image")
    docs = tmp_path / "reports" / "check" / "data_docs"
    assert "inside its image" in (docs / "cross_modal.html").read_text()
    assert "cross_modal" in (docs / "index.html").read_text()
    result = json.loads(
        (tmp_path / "reports" / "check" / "validations" / "cross_modal.json").read_text()
    )
    assert result["success"] is False and result["statistics"]["unsuccessful_expectations"] == 1


def test_gate_failure_exits_6_and_allow_is_recorded(tmp_path: Path) -> None:
    project = _project(tmp_path, gate=0)
    done = cli("check", cwd=project)
    assert done.returncode == 6
    assert "cross_modal_integrity_failures = 1 > 0" in done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads((project / "reports" / "check.json").read_text())
    assert report["gates_passed"] is False

    reason = "box clipped by the tool; ticket 12"
    done = cli(
        "check", "--allow", "cross_modal_integrity_failures", "--reason", reason, cwd=project
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((project / "reports" / "check.json").read_text())
    assert report["overrides"] == [{"figure": "cross_modal_integrity_failures", "reason": reason}]
    gate = next(g for g in report["gates"] if g["figure"] == "cross_modal_integrity_failures")
    assert gate["passed"] is False and gate["overridden"] is True


def test_unknown_figure_in_allow_is_a_usage_error(tmp_path: Path) -> None:
    done = cli("check", "--allow", "speed", "--reason", "x", cwd=_project(tmp_path, gate=1))
    assert done.returncode == 2
    assert "unknown figure" in done.stderr and "schema_error_rate" in done.stderr


def test_missing_tables_name_the_folder(tmp_path: Path) -> None:
    project = _project(tmp_path, gate=1)
    done = cli("check", "--in", "data/nothing", cwd=project)
    assert done.returncode == 4
    assert "data/nothing" in done.stderr and "Traceback" not in done.stderr
