"""Fixtures for running the real ``labelrelease`` command on throwaway projects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "tests" / "assets"
BIN = Path(sys.executable).parent


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``labelrelease ARGS`` in ``cwd`` as a user would, capturing its output."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "COLUMNS": "200", "NO_COLOR": "1"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "labelrelease", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small labelrelease project: two Label Studio sources, a params file, a contract."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    ls = ASSETS / "label-studio"
    for rel in ("label-studio-sdk/test_export_csv/csv_test.json",
                "label-studio-frontend/named_entity/tasks.json"):  # fmt: skip
        target = raw / Path(rel).parent.name / Path(rel).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ls / rel).read_bytes())
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "sources.yaml").write_text(
        "sources:\n"
        "  - name: cars\n"
        "    format: label-studio\n"
        "    paths: [data/raw/test_export_csv/*.json]\n"
        "  - name: news\n"
        "    paths: [data/raw/named_entity/tasks.json]\n",
        encoding="utf-8",
    )
    (tmp_path / "params.yaml").write_text(
        "pull:\n  sources: pipelines/sources.yaml\n  out: data/staged\n"
        "  report: reports/pull.json\n  batch_size: 1000\n",
        encoding="utf-8",
    )
    return tmp_path
