"""Bad COCO input: every record lands in a canonical row or a quarantine row with a reason, and
the counts add up (checked by ``pull_files`` for every pull)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from labelrelease.formats.coco import stream
from tests.unit.importing import ASSETS, pull_files

VAL = ASSETS / "coco" / "annotations" / "instances_val.json"


def doc(**changes: Any) -> dict[str, Any]:
    d = json.loads(VAL.read_text())
    d.update(changes)
    return d


def write(tmp_path: Path, value: Any) -> Path:
    path = tmp_path / "instances.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


@pytest.fixture(params=["whole", "streamed"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "streamed":
        monkeypatch.setattr(stream, "WHOLE_MAX_BYTES", 0)
    return str(request.param)


def test_truncated_file_is_quarantined_whole(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(VAL.read_bytes()[:900])
    t = pull_files([path], "coco", tmp_path / "out")
    assert t.counts["files"]["quarantined"] == 1
    assert t.reasons() == {"invalid_json": 1}
    assert t["labels"] == [] and t["items"] == []  # nothing half-taken


def test_utf16_file(tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_bytes(VAL.read_text().encode("utf-16"))
    t = pull_files([path], "coco", tmp_path / "out")
    assert t.reasons() == {"bad_encoding": 1}
    assert "UTF-16" in t["quarantine"][0]["message"]


def test_latin1_bytes(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(VAL.read_bytes().replace(b'"b.jpg"', b'"b\xe9.jpg"'))
    t = pull_files([path], "coco", tmp_path / "out")
    assert t.reasons() == {"bad_encoding": 1}


def test_missing_required_fields(tmp_path: Path, mode: str) -> None:
    d = doc()
    del d["annotations"][0]["image_id"]
    d["images"].append({"id": 41, "width": 5, "height": 10})  # no file_name
    d["annotations"].append({"id": 3, "image_id": 41, "category_id": 1, "bbox": [0, 0, 1, 1]})
    t = pull_files([write(tmp_path, d)], "coco", tmp_path / "out")
    q = {(r["source_ref"].split("#")[1], r["reason_code"], r["field"]) for r in t["quarantine"]}
    assert q == {
        ("/annotations/0", "missing_field", "image_id"),
        ("/images/1", "missing_field", "file_name"),
        ("/annotations/2", "dangling_image", "image_id"),  # its image was quarantined
    }
    assert t.counts["items"] == {**t.counts["items"], "in": 2, "taken": 1, "quarantined": 1}
    assert t.counts["labels"]["quarantined"] == 2
    assert len(t["labels"]) == 2  # annotation 1: its box and its mask


def test_coordinates_outside_the_image(tmp_path: Path, mode: str) -> None:
    d = doc()
    d["annotations"][0]["bbox"] = [3.0, 0.0, 4.0, 2.0]  # image is 5 wide: x + w = 7
    d["annotations"][1]["segmentation"] = [[0, 0, 4, 0, 4, 12]]  # image is 10 high
    t = pull_files([write(tmp_path, d)], "coco", tmp_path / "out")
    assert t.reasons() == {"outside_image": 2}
    assert "outside the 5x10 image" in t["quarantine"][0]["message"]
    assert t["labels"] == [] and t["links"] == []


def test_dangling_image_and_category(tmp_path: Path, mode: str) -> None:
    d = doc()
    d["annotations"][0]["image_id"] = 999
    d["annotations"][1]["category_id"] = 77
    t = pull_files([write(tmp_path, d)], "coco", tmp_path / "out")
    assert t.reasons() == {"dangling_image": 1, "dangling_category": 1}
    assert t["labels"] == []
    assert len(t["items"]) == 1  # the image itself is taken


def test_bad_geometry_and_rle(tmp_path: Path, mode: str) -> None:
    d = doc()
    d["annotations"][0]["bbox"] = [0, 0, -1, 2]
    d["annotations"][1]["segmentation"] = {"counts": [0, 20, 29], "size": [10, 5]}
    d["annotations"].append({"id": 5, "image_id": 40, "category_id": 1, "bbox": [0, 0, "x", 1]})
    t = pull_files([write(tmp_path, d)], "coco", tmp_path / "out")
    assert t.reasons() == {"bad_geometry": 1, "bad_rle": 1, "wrong_type": 1}


def test_not_coco(tmp_path: Path) -> None:
    t = pull_files([write(tmp_path, {"hello": 1})], "coco", tmp_path / "out")
    assert t.reasons() == {"not_coco": 1}
