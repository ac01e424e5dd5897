"""The pull stage under real DVC: `dvc repro` runs it, a second run is a no-op, and a changed
input re-runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.conftest import ROOT

BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "DVC_NO_ANALYTICS": "1"}  # fmt: skip
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=600)  # fmt: skip


@pytest.fixture
def dvc_project(tmp_path: Path) -> Path:
    """A copy of this repository's project files (not its code) as a fresh git + DVC repo."""
    for name in ("dvc.yaml", "params.yaml", ".dvcignore"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "pipelines", tmp_path / "pipelines")
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    (tmp_path / "src" / "labelrelease").mkdir(parents=True)  # a dep of the stage
    (tmp_path / "src" / "labelrelease" / "VERSION").write_text("test\n")
    for cmd in (("git", "init", "-q"), (str(BIN / "dvc"), "init", "-q")):
        assert run(*cmd, cwd=tmp_path).returncode == 0
    return tmp_path


@pytest.mark.slow
def test_dvc_repro_runs_pull_and_is_then_a_no_op(dvc_project: Path) -> None:
    dvc = str(BIN / "dvc")
    first = run(dvc, "repro", "pull", cwd=dvc_project)
    assert first.returncode == 0, first.stdout + first.stderr
    counts = json.loads((dvc_project / "reports" / "pull.json").read_text())
    for kind, c in counts.items():
        assert c["in"] == c["taken"] + c["quarantined"], kind
    assert counts["items"]["taken"] > 0
    assert (dvc_project / "data" / "staged" / "labels.parquet").exists()
    assert (dvc_project / "dvc.lock").exists()

    again = run(dvc, "repro", "pull", cwd=dvc_project)
    assert again.returncode == 0
    assert "didn't change, skipping" in again.stdout

    metrics = run(dvc, "metrics", "show", "--json", cwd=dvc_project)
    assert metrics.returncode == 0
    assert "reports/pull.json" in metrics.stdout

    raw = dvc_project / "data" / "raw" / "multimodal" / "tasks.json"
    tasks = json.loads(raw.read_text())
    raw.write_text(json.dumps(tasks[:-1]))
    changed = run(dvc, "repro", "pull", cwd=dvc_project)
    assert changed.returncode == 0
    assert "Running stage 'pull'" in changed.stdout
    after = json.loads((dvc_project / "reports" / "pull.json").read_text())
    assert after["items"]["in"] == counts["items"]["in"] - 1
