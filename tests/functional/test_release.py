"""The release command end to end on generated tables: first and second release, typed diff
by hand count, change log, semver check, verify, show, trace, immutability, determinism."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.functional.conftest import cli
from tests.functional.release_project import make_project, second_state


def _hashes(bundle: Path) -> dict[str, str]:
    return {p.relative_to(bundle).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(bundle.rglob("*")) if p.is_file()}  # fmt: skip


@pytest.fixture
def released(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    root = make_project(tmp_path / "p")
    first = cli("release", cwd=root)
    assert first.returncode == 0, first.stderr
    expected = second_state(root)
    return root, expected


def test_first_release_bundle(released: tuple[Path, dict[str, int]]) -> None:
    root, _ = released
    bundle = root / "data" / "releases" / "1.0.0"
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["parent"] is None and manifest["migrations"] == []
    assert "reports/check.json" in manifest["absent"]
    assert manifest["files"]["labels.parquet"]["rows"] == 2000
    assert "data/raw/export.json" in manifest["inputs"]["raw"]
    assert manifest["inputs"]["params.yaml"]
    assert pq.read_schema(bundle / "labels.parquet").field("relabel_policy")
    splits = pq.read_table(bundle / "items.parquet").column("split").to_pylist()
    assert set(splits) <= {"train", "val", "test"} and None not in splits
    changelog = (root / "CHANGELOG.md").read_text()
    assert "## 1.0.0 — 2026-12-01" in changelog


def test_second_release_diff_changelog_and_semver(released: tuple[Path, dict[str, int]]) -> None:
    root, want = released
    patch = cli("release", "--version", "1.0.1", cwd=root)
    assert patch.returncode == 8, patch.stdout
    assert "major bump" in patch.stderr and "2.0.0" in patch.stderr
    assert not (root / "data" / "releases" / "1.0.1").exists()

    done = cli("release", "--version", "2.0.0", cwd=root)
    assert done.returncode == 0, done.stderr
    bundle = root / "data" / "releases" / "2.0.0"
    changes = pq.read_table(bundle / "changes.parquet").to_pylist()

    def count(change: str, entity: str = "label") -> int:
        return len({c["record_id"] for c in changes
                    if c["change"] == change and c["entity"] == entity})  # fmt: skip

    assert count("class_changed") == want["class_changed"]
    assert count("geometry_moved") == want["geometry_moved"]
    assert count("text_edited") == want["text_edited"]
    assert count("removed") == want["removed"]
    assert count("added", "item") == want["items_added"]
    assert count("status_changed") == want["review"]  # flagged for review now
    assert {c["cause"] for c in changes if c["change"] == "class_changed"} == {"m002_vehicle"}
    assert {c["cause"] for c in changes if c["change"] == "geometry_moved"} == {"source"}
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["parent"]["version"] == "1.0.0"
    assert manifest["migrations"][0]["id"] == "m002_vehicle"
    assert manifest["relabel"]["review"] == want["review"]
    entry = (bundle / "CHANGELOG.md").read_text()
    assert "m002_vehicle (guideline 2.0, new since 1.0.0): class" in entry
    assert f"to review: {want['review']}" in entry
    assert f"class_changed {want['class_changed']}" in entry
    log = (root / "CHANGELOG.md").read_text()
    assert log.index("## 2.0.0") < log.index("## 1.0.0")
    labels = pq.read_table(bundle / "labels.parquet").to_pylist()
    assert sum(1 for r in labels if r["relabel_policy"] == "review") == want["review"]

    diff = cli("diff", "1.0.0", "2.0.0", cwd=root)
    assert diff.returncode == 0 and f"class_changed {want['class_changed']}" in diff.stdout
    show = cli("show", "2.0.0", cwd=root)
    assert show.returncode == 0 and "m002_vehicle" in show.stdout
    car = next(c["record_id"] for c in changes if c["change"] == "class_changed")
    trace = cli("trace", car, cwd=root)
    assert trace.returncode == 0
    assert "1.0.0: present" in trace.stdout and "cause: m002_vehicle" in trace.stdout
    gone = next(c["record_id"] for c in changes if c["change"] == "removed")
    assert "2.0.0: absent" in cli("trace", gone, cwd=root).stdout


def test_overwrite_bad_version_and_tamper_fail_clearly(
    released: tuple[Path, dict[str, int]],
) -> None:
    root, _ = released
    again = cli("release", "--version", "1.0.0", cwd=root)
    assert again.returncode == 8 and "never overwritten" in again.stderr
    for bad in ("../evil", "1.0/0", "1.0.0-rc1", ".."):
        r = cli("release", "--version", bad, cwd=root)
        assert r.returncode == 8 and "X.Y.Z" in r.stderr, bad
    assert cli("verify", "1.0.0", cwd=root).returncode == 0
    labels = root / "data" / "releases" / "1.0.0" / "items.parquet"
    data = bytearray(labels.read_bytes())
    data[100] ^= 0xFF
    labels.write_bytes(bytes(data))
    bad = cli("verify", "1.0.0", cwd=root)
    assert bad.returncode == 8 and "items.parquet: sha256" in bad.stdout


def test_gate_failure_refuses_and_override_is_recorded(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", labels=500)
    (root / "reports").mkdir()
    check = {"gates": [{"figure": "schema_error_rate", "threshold": 0.01, "value": 0.2,
                        "passed": False}], "overrides": []}  # fmt: skip
    (root / "reports" / "check.json").write_text(json.dumps(check))
    refused = cli("release", cwd=root)
    assert refused.returncode == 8 and "schema_error_rate" in refused.stderr
    assert not (root / "data" / "releases" / "1.0.0").exists()
    check["overrides"] = [{"figure": "schema_error_rate", "reason": "known vendor bug"}]
    (root / "reports" / "check.json").write_text(json.dumps(check))
    assert cli("release", cwd=root).returncode == 0
    manifest = json.loads((root / "data/releases/1.0.0/manifest.json").read_text())
    assert manifest["overrides"] == check["overrides"]
    assert (root / "data/releases/1.0.0/reports/check.json").exists()


def test_same_inputs_give_byte_identical_bundles(tmp_path: Path) -> None:
    a = make_project(tmp_path / "a", labels=1500)
    b = make_project(tmp_path / "b", labels=1500)
    for root in (a, b):
        assert cli("release", cwd=root).returncode == 0
    ha = _hashes(a / "data/releases/1.0.0")
    assert ha == _hashes(b / "data/releases/1.0.0")
    assert "manifest.json" in ha and "croissant.json" in ha
