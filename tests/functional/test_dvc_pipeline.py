"""The whole demo pipeline under real DVC: `dvc repro` runs pull → migrate → check → qa →
release on a copy of this project, the release verifies, and a second run does nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.functional.conftest import ROOT, cli
from tests.functional.test_dvc_stage import BIN, run

STAGES = ("pull", "migrate", "check", "qa", "release")


def init_demo_project(folder: Path) -> Path:
    """A git + DVC project in ``folder`` with the demo's pipeline, params and raw data."""
    for name in ("dvc.yaml", "params.yaml", ".dvcignore", "CHANGELOG.md"):
        shutil.copy(ROOT / name, folder / name)
    for sub in ("pipelines", "expectations", "data/raw"):
        shutil.copytree(ROOT / sub, folder / sub)
    (folder / "src" / "labelrelease").mkdir(parents=True)  # a dep of every stage
    (folder / "src" / "labelrelease" / "VERSION").write_text("test\n")
    for cmd in (("git", "init", "-q"), (str(BIN / "dvc"), "init", "-q")):
        assert run(*cmd, cwd=folder).returncode == 0
    return folder


@pytest.fixture
def demo_project(tmp_path: Path) -> Path:
    return init_demo_project(tmp_path)


@pytest.mark.slow
def test_dvc_repro_runs_every_stage_then_nothing(demo_project: Path) -> None:
    dvc = str(BIN / "dvc")
    first = run(dvc, "repro", cwd=demo_project)
    assert first.returncode == 0, first.stdout + first.stderr
    for stage in STAGES:
        assert f"Running stage '{stage}'" in first.stdout, stage

    migrate = json.loads((demo_project / "reports" / "migrate.json").read_text())
    assert migrate["guideline_version"] == "1.2"
    assert migrate["relabel"] > 0  # the Truck/Van split queues the old Truck boxes
    check = json.loads((demo_project / "reports" / "check.json").read_text())
    assert all(g["passed"] for g in check["gates"])
    qa = json.loads((demo_project / "reports" / "qa.json").read_text())
    assert qa["sample"]["items"] > 0
    bundle = demo_project / "data" / "releases" / "1.0.0"
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert [m["id"] for m in manifest["migrations"]] == [m["id"] for m in migrate["chain"]]
    assert "## 1.0.0" in (demo_project / "CHANGELOG.md").read_text()

    verified = cli("verify", "1.0.0", cwd=demo_project)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    shown = cli("status", cwd=demo_project)
    assert shown.returncode == 0, shown.stderr
    for stage in STAGES:
        assert stage in shown.stdout and "not run" not in shown.stdout
    assert "1.0.0" in shown.stdout

    again = run(dvc, "repro", cwd=demo_project)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Running stage" not in again.stdout
