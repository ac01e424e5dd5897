"""Done-when #1 of the release issue, under real DVC on a copy of the demo project:

`dvc repro` cuts 1.0.0; then a guideline migration (0003: Motorcycle boxes become Motorbike,
written with `labelrelease migration new`) and corrected labels (an edited copy of the demo's
Label Studio export) go in, and `dvc repro` cuts a second release. Its change log names the
migration, its fields and the relabel counts, and its diff from 1.0.0 matches the changes made
here, counted by hand, per change type and cause.

The corrections made to ``data/raw/multimodal/tasks.json`` (task index, annotation, region):

| change | what | labels |
|---|---|---|
| class_changed (source) | task 19, both annotators: "Boston" Location → Organization | 2 |
| geometry_moved (source) | task 6: a Person box x + 2 % of 1024 px, another's width + 1 % | 2 |
| (not a change) | task 6: a Dog box x + 0.01 % = 0.1 px, inside the 0.5 px tolerance | 0 |
| text_edited (source) | task 13: one transcript "Mm-hmm." → "Mm-hmm, agreed." | 1 |
| removed (source) | task 6: the model's Bicycle box | 1 |
| added (source) | task 6: a new model Bicycle box | 1 |
| class_changed (0003) | every Motorcycle box of release 1.0.0 (3 in the demo) | 3 |
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from tests.functional.conftest import cli
from tests.functional.test_dvc_pipeline import init_demo_project
from tests.functional.test_dvc_stage import BIN, run

MIG = "0003_rename_motorcycle_to_motorbike"
TASKS = "data/raw/multimodal/tasks.json"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return init_demo_project(tmp_path)


def _rows(sql: str, *params: object) -> list[tuple[object, ...]]:
    return duckdb.connect().execute(sql, list(params)).fetchall()


def _write_migration(root: Path) -> None:
    made = cli("migration", "new", "rename Motorcycle to Motorbike", cwd=root)
    assert made.returncode == 0, made.stdout + made.stderr
    path = root / "pipelines" / "migrations" / f"{MIG}.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'guideline_version: "1.3"' in text and "revises: 0002_transcript_cue_length" in text
    text = text.replace("fields: []", "fields: [class]", 1).replace(
        "policy: review", "policy: none"
    )
    text = re.sub(
        r"operations: \[\].*",
        "operations:\n  - {op: rename_class, from: Motorcycle, to: Motorbike, kinds: [box]}\n",
        text,
        flags=re.S,
    )
    path.write_text(text, encoding="utf-8")
    # the contract describes the head guideline: Motorbike replaces Motorcycle, which stays
    # only as a legacy class (raw exports made under 1.0 still carry it)
    contract = root / "pipelines" / "contract.yaml"
    text = contract.read_text(encoding="utf-8")
    old = (
        "    Motorcycle: {parent: Vehicle, synonyms: [motorcycle, motorbike, scooter], "
        "kinds: *regions}\n"
    )
    assert old in text and 'guideline_version: "1.2"' in text
    text = text.replace('guideline_version: "1.2"', 'guideline_version: "1.3"', 1).replace(
        old,
        "    Motorbike: {parent: Vehicle, synonyms: [motorbike, scooter], kinds: *regions}\n"
        "    Motorcycle: {parent: Vehicle, synonyms: [motorcycle], legacy: true, "
        "kinds: *regions}\n",
    )
    contract.write_text(text, encoding="utf-8")


def _region(tasks: list, task: int, where: str, index: int, region: str, kind: str) -> dict:
    found = [r for r in tasks[task][where][index]["result"]
             if r.get("id") == region and r.get("type") == kind]  # fmt: skip
    assert len(found) == 1, (task, region)
    return found[0]


def _correct_labels(root: Path) -> None:
    path = root / TASKS
    tasks = json.loads(path.read_text(encoding="utf-8"))
    for ann, region in ((0, "KoIiLcagaT"), (1, "I0Bqhwg8hQ")):
        value = _region(tasks, 19, "annotations", ann, region, "labels")["value"]
        assert value["labels"] == ["Location"] and value["text"] == "Boston"
        value["labels"] = ["Organization"]
    _region(tasks, 6, "annotations", 0, "xB9_emYmjD", "rectanglelabels")["value"]["x"] += 2.0
    _region(tasks, 6, "annotations", 1, "_naEVbqc6D", "rectanglelabels")["value"]["width"] += 1.0
    _region(tasks, 6, "annotations", 1, "HY-fRfrDHr", "rectanglelabels")["value"]["x"] += 0.01
    cue = _region(tasks, 13, "annotations", 0, "2yvXRkEOGP", "textarea")["value"]
    assert cue["text"] == ["Mm-hmm."]
    cue["text"] = ["Mm-hmm, agreed."]
    boxes = tasks[6]["predictions"][0]["result"]
    assert boxes[-1]["id"] == "mwV4NPGl7i"
    boxes.pop()
    added = json.loads(json.dumps(boxes[0]))
    added["id"] = "nEwBoX0001"
    added["value"].update(x=70.0, rectanglelabels=["Bicycle"])
    boxes.append(added)
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _set_version(root: Path, version: str) -> None:
    params = root / "params.yaml"
    text, n = re.subn(r"(?m)^(  version: )\S+", rf"\g<1>{version}", params.read_text())
    assert n == 1
    params.write_text(text)


def _ids(bundle: Path, where: str, *params: object) -> set[str]:
    sql = f"SELECT label_id FROM read_parquet(?) WHERE {where}"
    return {str(r[0]) for r in _rows(sql, str(bundle / "labels.parquet"), *params)}


@pytest.mark.slow
def test_second_release_after_migration_and_corrected_labels(demo: Path) -> None:
    dvc = str(BIN / "dvc")
    first = run(dvc, "repro", cwd=demo)
    assert first.returncode == 0, first.stdout + first.stderr
    releases = demo / "data" / "releases"
    v1 = releases / "1.0.0"
    assert (v1 / "manifest.json").exists()

    # what the hand-made changes touch, found in release 1.0.0 by source record
    ref = f"{TASKS}#/"
    motorcycles = _ids(v1, "class = 'Motorcycle'")
    assert len(motorcycles) == 3
    boston = _ids(v1, "source_ref IN (?, ?)", ref + "19/annotations/0/result/2",
                  ref + "19/annotations/1/result/2")  # fmt: skip
    moved = _ids(v1, "source_ref IN (?, ?)", ref + "6/annotations/0/result/1",
                 ref + "6/annotations/1/result/1")  # fmt: skip
    nudged = _ids(v1, "source_ref = ?", ref + "6/annotations/1/result/0")
    edited = _ids(v1, "source_ref = ?", ref + "13/annotations/0/result/8")
    removed = _ids(v1, "source_ref = ?", ref + "6/predictions/0/result/2")
    assert [len(s) for s in (boston, moved, nudged, edited, removed)] == [2, 2, 1, 1, 1]

    _write_migration(demo)
    _correct_labels(demo)
    _set_version(demo, "1.1.0")  # understates the change: refused, naming the right version
    refused = run(dvc, "repro", cwd=demo)
    assert refused.returncode != 0
    assert "needs a major bump" in refused.stdout + refused.stderr
    assert "release as 2.0.0" in refused.stdout + refused.stderr
    assert sorted(p.name for p in releases.iterdir()) == ["1.0.0"]

    _set_version(demo, "2.0.0")
    second = run(dvc, "repro", cwd=demo)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Running stage 'release'" in second.stdout
    assert "Running stage 'pull'" not in second.stdout  # done by the refused run, kept by DVC
    assert sorted(p.name for p in releases.iterdir()) == ["1.0.0", "2.0.0"]
    v2 = releases / "2.0.0"
    for version in ("1.0.0", "2.0.0"):
        verified = cli("verify", version, cwd=demo)
        assert verified.returncode == 0, verified.stdout + verified.stderr

    added = _ids(v2, "source_ref = ? AND abs(x - 716.8) < 0.01", ref + "6/predictions/0/result/2")
    assert len(added) == 1 and not added & removed
    assert _ids(v2, "class = 'Motorbike'") == motorcycles
    assert not _ids(v2, "class = 'Motorcycle'")

    # the manifest: parent, bump, the new migration with its field and counts, relabel counts
    manifest = json.loads((v2 / "manifest.json").read_text())
    assert manifest["parent"]["version"] == "1.0.0"
    assert manifest["guideline_version"] == "1.3"
    assert manifest["bump"]["given"] == manifest["bump"]["required"] == "major"
    assert "taxonomy lost classes Motorcycle" in manifest["bump"]["reasons"]
    migs = {m["id"]: m for m in manifest["migrations"]}
    assert list(migs) == ["0001_split_truck_van", "0002_transcript_cue_length", MIG]
    assert migs[MIG]["fields"] == ["class"]
    assert (migs[MIG]["new"], migs[MIG]["labels_changed"]) == (True, 3)
    assert not migs["0001_split_truck_van"]["new"]
    assert migs["0001_split_truck_van"]["queued"] == {"relabel": 8}
    assert migs["0002_transcript_cue_length"]["queued"] == {"filter": 1}
    assert manifest["relabel"] == {"relabel": 8, "review": 0, "filter": 1}

    # the typed diff, per change type and cause, against the hand count
    changes = str(v2 / "changes.parquet")
    counted = _rows(
        "SELECT entity, change, cause, count(DISTINCT record_id) FROM read_parquet(?) "
        "GROUP BY ALL ORDER BY ALL",
        changes,
    )
    assert counted == [
        ("label", "added", "source", 1),
        ("label", "class_changed", MIG, 3),
        ("label", "class_changed", "source", 2),
        ("label", "geometry_moved", "source", 2),
        ("label", "removed", "source", 1),
        ("label", "text_edited", "source", 1),
    ]
    by_change: dict[str, set[str]] = {}
    for change, record in _rows("SELECT change, record_id FROM read_parquet(?)", changes):
        by_change.setdefault(str(change), set()).add(str(record))
    assert by_change == {
        "added": added,
        "removed": removed,
        "class_changed": motorcycles | boston,
        "geometry_moved": moved,
        "text_edited": edited,
    }
    assert not nudged & set().union(*by_change.values())  # 0.1 px is inside the tolerance
    fields = _rows(
        "SELECT field, old, new FROM read_parquet(?) WHERE change IN "
        "('class_changed', 'geometry_moved', 'text_edited') ORDER BY ALL",
        changes,
    )
    assert [f for f in fields if f[0] == "class"] == [
        ("class", '"Location"', '"Organization"')] * 2 + [
        ("class", '"Motorcycle"', '"Motorbike"')] * 3  # fmt: skip
    geometry = [f for f in fields if f[0] in ("x", "w")]
    assert sorted(f[0] for f in geometry) == ["w", "x"]
    for _field, old, new in geometry:
        assert float(new) - float(old) == pytest.approx(10.24 if _field == "w" else 20.48)
    assert ("text", '"Mm-hmm."', '"Mm-hmm, agreed."') in fields

    summary = "labels: added 1, class_changed 5, geometry_moved 2, removed 1, text_edited 1"
    shown = cli("diff", "1.0.0", "2.0.0", "--out", str(demo / "d.parquet"), cwd=demo)
    assert shown.returncode == 0, shown.stderr
    assert summary in shown.stdout
    assert f"causes: {MIG} 3, source 7" in shown.stdout
    same = "SELECT * FROM read_parquet(?) EXCEPT ALL SELECT * FROM read_parquet(?)"
    assert _rows(same, str(demo / "d.parquet"), changes) == []
    assert _rows(same, changes, str(demo / "d.parquet")) == []

    # splits never change; no item or link changed
    splits = "SELECT item_id, split FROM read_parquet(?) ORDER BY 1"
    assert _rows(splits, str(v1 / "items.parquet")) == _rows(splits, str(v2 / "items.parquet"))

    # the change log entry: in the bundle and first in the project's CHANGELOG.md
    entry = (v2 / "CHANGELOG.md").read_text(encoding="utf-8")
    assert entry.startswith("## 2.0.0")
    assert "Parent release: 1.0.0. Bump: major" in entry
    assert f"- {summary}" in entry
    assert (
        f"- {MIG} (guideline 1.3, new since 1.0.0): class; "
        "labels it changed since the parent: 3" in entry
    )
    assert (
        "- 0001_split_truck_van (guideline 1.1): class; labels it changed since the parent: 0; "
        "queued: relabel 8" in entry
    )
    assert "- labels to relabel: 8, to review: 0, filtered out: 1" in entry
    assert "| Motorbike | class_changed 3 |" in entry
    log = (demo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert entry in log and log.index("## 2.0.0") < log.index("## 1.0.0")
