"""``labelrelease check`` is byte-reproducible: the demo data checked in two copies of the project
(two folders, two runs) gives byte-identical reports, Data Docs and failures; the validation
time is ``SOURCE_DATE_EPOCH`` when set, else the latest annotation's ``created_at``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.functional.conftest import ROOT, cli

OUT = ("reports/check.json", "reports/check")


def _migrated_demo(folder: Path) -> Path:
    """A project in ``folder`` with the demo's params, contract, suites and raw data, pulled and
    migrated (so ``data/migrated`` is what the check stage reads)."""
    folder.mkdir()
    shutil.copy(ROOT / "params.yaml", folder / "params.yaml")
    for sub in ("pipelines", "expectations", "data/raw"):
        shutil.copytree(ROOT / sub, folder / sub)
    for stage in ("pull", "migrate"):
        done = cli(stage, cwd=folder)
        assert done.returncode == 0, done.stdout + done.stderr
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for name in OUT:
        path = folder / name
        paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in paths:
            found[p.relative_to(folder).as_posix()] = p.read_bytes()
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _migrated_demo(tmp_path_factory.mktemp("repro") / "a")


def test_two_checks_of_the_demo_write_the_same_bytes(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    other = tmp_path / "b"
    shutil.copytree(demo, other)  # another absolute path: no temp or project path may leak
    for folder in (demo, other):
        done = cli("check", cwd=folder)
        assert done.returncode == 0, done.stdout + done.stderr
    first, second = _files(demo), _files(other)
    assert "reports/check/failures.parquet" in first
    assert "reports/check/data_docs/cross_modal.html" in first
    assert "reports/check/validations/cross_modal.json" in first
    assert pq.read_metadata(demo / "reports/check/failures.parquet").num_rows > 0
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert differ == []
    for name, data in first.items():
        assert str(demo).encode() not in data, name
        assert str(other).encode() not in data, name
    # the time is the data's: the latest created_at of the demo's annotations
    meta = json.loads(first["reports/check/validations/integrity.json"])["meta"]
    assert meta["run_id"] == {"run_name": "labelrelease-check", "run_time": meta["validation_time"]}
    latest = pq.read_table(demo / "data/migrated/annotations.parquet", columns=["created_at"])
    expected = max(t for t in latest.column(0).to_pylist() if t is not None)
    assert meta["validation_time"] == expected.isoformat()


def test_source_date_epoch_sets_the_validation_time(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    done = cli("check", "--out", str(tmp_path / "check"), "--report", "c.json", cwd=demo)
    assert done.returncode == 0, done.stdout + done.stderr
    meta = json.loads((tmp_path / "check/validations/integrity.json").read_text())["meta"]
    assert meta["validation_time"] == "2023-11-14T22:13:20+00:00"
    assert meta["run_id"]["run_time"] == "2023-11-14T22:13:20+00:00"
    page = (tmp_path / "check/data_docs/integrity.html").read_text()
    assert "2023-11-14T22:13:20Z" in page


@pytest.mark.parametrize("value", ["yesterday", "", "1.5"])
def test_a_bad_source_date_epoch_is_a_config_error(
    value: str, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    done = cli("check", "--out", str(tmp_path / "check"), "--report", "c.json", cwd=demo)
    assert done.returncode == 3, done.stderr  # ConfigError
    assert "SOURCE_DATE_EPOCH must be whole seconds since 1970" in done.stderr
    assert repr(value) in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "check").exists()
