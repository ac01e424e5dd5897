"""Smoke test of the migrate benchmark on 5,000 labels: the runner, its 5-migration chain and
the baseline run end to end, and the chain really changes, queues and filters labels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.conftest import ROOT

pytestmark = pytest.mark.slow


def test_run_migrate_small(tmp_path: Path) -> None:
    results = tmp_path / "migrate.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_migrate.py"), "--labels", "5000",
         "--repeat", "1", "--work", str(tmp_path), "--results", str(results)],
        cwd=ROOT / "benchmarks", capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [size] = json.loads(results.read_text())["sizes"]
    report = size["last_report"]
    assert [m["id"][5:] for m in report["chain"]] == [
        "rename_class", "merge_classes", "split_class", "add_field", "text_rule"]  # fmt: skip
    assert report["labels"]["in"] == 5000
    assert report["annotations"]["at_head"] == 0
    by_id = {m["id"][5:]: m for m in report["chain"]}
    assert by_id["add_field"]["changes"] > 0 and by_id["split_class"]["relabel"]["relabel"] > 0
    assert report["labels"]["filtered"] == by_id["text_rule"]["relabel"]["filter"] > 0
