"""Smoke test of the end-to-end benchmark at 100k labels: generator, project, every stage of
dvc.yaml, the baseline, dvc commit, no-op repro and the repro after a 1 % change. No timing
assertions: it checks that the benchmark still runs, that its JSON has a figure per stage, and
that the counts add up (generated labels = what pull counted; bad records = what it
quarantined; the baseline copied every row pull took)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.functional.test_bench_smoke import load

LABELS = 100_000
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_generator_is_deterministic_and_changes_one_percent(tmp_path: Path) -> None:
    gen = load("e2e/generate")
    a = gen.generate(tmp_path / "a", 5_000, seed=4)
    b = gen.generate(tmp_path / "b", 5_000, seed=4)
    c = gen.generate(tmp_path / "c", 5_000, seed=4, change=0.01)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert files and all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert a == b and a["labels"] == 5_000 and sum(a["labels_by_source"].values()) == 5_000
    assert c["bad_labels"] == a["bad_labels"] and 20 <= c["changed"] <= 80
    assert any(
        (tmp_path / "a" / f).read_bytes() != (tmp_path / "c" / f).read_bytes() for f in files
    )


def test_every_stage_is_measured_and_the_counts_add_up(tmp_path: Path) -> None:
    runner = load("e2e/run")
    doc = runner.bench(
        LABELS, repeat=1, seed=0, work=tmp_path, with_incremental=True,
        memory_limit="512MB", threads=1,
    )  # fmt: skip
    stages = list(yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"])
    run = doc["runs"][0]
    assert run["failed"] is None, run["stages"]
    assert list(run["stages"]) == stages == doc["summary"]["stages"]
    for name in [*stages, "total"]:
        figures = doc["summary"]["median"][name]
        assert figures["wall_s"] > 0 and figures["cpu_s"] > 0 and figures["maxrss_mb"] > 0
        assert doc["summary"]["ratio"][name]["cpu_s"] > 0
    assert doc["summary"]["median"]["total"]["cpu_s"] == pytest.approx(
        sum(doc["summary"]["median"][n]["cpu_s"] for n in stages)
    )

    generated, labels = doc["generated"], doc["pull_counts"]["labels"]
    assert generated["labels"] == LABELS == labels["in"]
    assert labels["in"] == labels["taken"] + labels["quarantined"]
    assert labels["quarantined"] == sum(generated["bad_labels"].values()) > 0
    assert doc["pull_counts"]["links"]["derived"]["transcript_speaker"] > 0  # said_by from RTTM
    assert doc["runs"][0]["baseline"]["rows"]["labels"] == labels["taken"]

    inc = doc["incremental"]
    assert inc["dvc_commit"]["returncode"] == 0
    assert all(r["returncode"] == 0 and r["up_to_date"] for r in inc["noop_repro"]["runs"])
    assert inc["changed_repro"]["returncode"] == 0
    assert doc["generated_changed"]["changed"] > 0

    text = runner.table(doc)
    assert all(f"| {n} |" in text for n in [*stages, "total", "baseline"])
    json.dumps(doc)  # the results document is JSON


def test_commands_keep_the_callers_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stages run with the caller's environment plus this checkout's package: a variable of
    the caller (HOME, LANG, ...) reaches them (it was lost when env() read a cleared environ)."""
    runner = load("e2e/run")
    monkeypatch.setenv("BENCH_E2E_MARKER", "kept")
    m = runner.run_measured(["/bin/sh", "-c", 'echo "$BENCH_E2E_MARKER|$PYTHONPATH"'], tmp_path)
    marker, pythonpath = m.stdout.strip().split("|")
    assert marker == "kept"
    assert pythonpath.split(":")[0] == str(ROOT / "src")


def test_figures_keep_stderr_only_as_the_tail_of_a_failure() -> None:
    runner = load("e2e/run")
    procstats = load("procstats")
    noisy = "x" * 5_000

    def run(returncode: int) -> dict[str, object]:
        m = procstats.Measurement(1.0, 1.0, 1.0, 0.0, 10.0, 10.0, 1, returncode, "out", noisy)
        return dict(runner._figures(m))

    ok, failed = run(0), run(1)
    assert "stderr" not in ok and "stdout" not in ok and ok["stderr_tail"] == ""
    assert "stderr" not in failed and failed["stderr_tail"] == noisy[-2000:]
