"""A bundle for its users: Croissant loads through mlcroissant, the tables load with pyarrow
and DuckDB without Hugging Face `datasets`; and a killed release leaves nothing half-built."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from labelrelease.release.build import PAUSE_ENV
from tests.functional.conftest import cli
from tests.functional.release_project import make_project


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("bundle") / "p", labels=400)
    done = cli("release", cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "data" / "releases" / "1.0.0"


def test_croissant_validates_and_loads_records(bundle: Path) -> None:
    mlc = pytest.importorskip("mlcroissant")
    dataset = mlc.Dataset(jsonld=str(bundle / "croissant.json"))
    meta = dataset.metadata.to_json()
    assert meta["version"] == "1.0.0"
    records = list(dataset.records(record_set="items"))
    assert len(records) == pq.read_metadata(bundle / "items.parquet").num_rows
    assert all(r["items/split"] in (b"train", b"val", b"test") for r in records)
    shas = {d["name"]: d["sha256"] for d in meta["distribution"]}
    manifest = (bundle / "manifest.json").read_text()
    assert all(sha in manifest for sha in shas.values())


def test_bundle_loads_without_datasets(bundle: Path) -> None:
    code = (
        "import sys, pyarrow.parquet as pq, duckdb\n"
        "sys.modules['datasets'] = None  # importing it would fail\n"
        f"t = pq.read_table({str(bundle / 'labels.parquet')!r})\n"
        f"n = duckdb.sql(\"SELECT count(*) FROM '{bundle}/labels.parquet'\").fetchall()[0][0]\n"
        "print(t.num_rows, n)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    rows = str(pq.read_metadata(bundle / "labels.parquet").num_rows)
    assert run.stdout.split() == [rows, rows]


@pytest.mark.parametrize("point", ["tables", "publish"])
def test_killed_release_leaves_no_partial_bundle(tmp_path: Path, point: str) -> None:
    root = make_project(tmp_path / "p", labels=400)
    env = {**os.environ, PAUSE_ENV: point}
    cmd = [sys.executable, "-m", "labelrelease", "release"]
    proc = subprocess.Popen(
        cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    data = root / "data"
    deadline = time.monotonic() + 60
    while not any(data.glob(".release-build-*/1.0.0/labels.parquet")):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    releases = data / "releases"
    assert not releases.exists() or list(releases.iterdir()) == []
    assert not (root / "CHANGELOG.md").exists()
    again = cli("release", cwd=root)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in releases.iterdir()] == ["1.0.0"]
    assert not list(data.glob(".release-build-*"))  # the killed build's folder was removed
    assert cli("verify", cwd=root).returncode == 0
