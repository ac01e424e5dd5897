"""Golden tests of the COCO importer over the datumaro COCO files and hand-written ones.

Expected rows are written by hand from the files (tests/assets/coco/SOURCES.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from labelrelease.formats.coco import stream
from labelrelease.model.ids import make_id
from tests.unit.importing import ASSETS, SOURCE, Tables, attrs, close, pull_files

COCO = ASSETS / "coco" / "annotations"
SYN = ASSETS / "coco-synthetic"


@pytest.fixture(scope="module")
def pulled(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Tables]:
    cache: dict[Path, Tables] = {}

    def get(path: Path) -> Tables:
        if path not in cache:
            cache[path] = pull_files([path], "coco", tmp_path_factory.mktemp("coco") / "out")
        return cache[path]

    return get


def test_instances_box_with_non_contiguous_category(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(COCO / "instances_train.json")
    item = t.one("items", "#/images/0")
    assert item["item_id"] == make_id("items", SOURCE, "5")
    assert attrs(item) == {"coco_id": 5}
    asset = t.one("assets", "#/images/0")
    assert (asset["modality"], asset["uri"], asset["width"], asset["height"]) == (
        "image", "a.jpg", 10, 5,
    )  # fmt: skip
    assert attrs(asset) == {}  # license 0 and empty URLs are not values
    box = t.one("labels", "#/annotations/0/bbox")
    assert box["kind"] == "box"
    assert box["class"] == "b"  # category_id 2 of ids 1, 2, 4
    assert [box[k] for k in ("x", "y", "w", "h")] == [2.0, 2.0, 3.0, 1.0]
    assert box["rotation"] is None and box["points"] is None
    assert box["asset_id"] == asset["asset_id"] and box["item_id"] == item["item_id"]
    assert box["origin"] == "human"
    assert attrs(box) == {"area": 3.0, "coco_id": 1}
    assert len(t["labels"]) == 1  # the empty segmentation list makes no polygon
    assert t["links"] == []
    ann = t.one("annotations", "#/images/0")
    assert (ann["origin"], ann["status"], ann["pass"]) == ("human", "submitted", "visual")


def test_polygon_and_uncompressed_rle(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(COCO / "instances_val.json")
    poly = t.one("labels", "#/annotations/0/segmentation/0")
    assert poly["kind"] == "polygon" and poly["class"] == "a"
    assert close(poly["points"], [0, 0, 1, 0, 1, 2, 0, 2])
    assert attrs(poly) == {"area": 2.0, "closed": True, "coco_id": 1, "x": 1, "y": "hello"}
    mask = t.one("labels", "#/annotations/1/segmentation")
    assert mask["kind"] == "mask" and mask["class"] == "b"
    assert mask["mask_rle"] == [0, 20, 30] and mask["mask_format"] == "coco-rle"
    assert attrs(mask) == {"area": 20.0, "coco_id": 2, "iscrowd": True, "mask_size": [10, 5]}
    links = {(r["relation"], r["from_label_id"], r["to_label_id"]) for r in t["links"]}
    box0 = t.one("labels", "#/annotations/0/bbox")["label_id"]
    box1 = t.one("labels", "#/annotations/1/bbox")["label_id"]
    assert links == {
        ("segmentation_of", poly["label_id"], box0),
        ("segmentation_of", mask["label_id"], box1),
    }


def test_keypoints_zero_based_skeleton(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(COCO / "person_keypoints_train.json")
    kps = sorted((r for r in t["labels"] if r["kind"] == "keypoint"), key=lambda r: r["x"])
    assert [(r["x"], r["y"]) for r in kps] == [(0.0, 2.0), (4.0, 1.0)]  # v = 0 is not labelled
    assert [attrs(r)["visibility"] for r in kps] == [1, 2]
    assert [attrs(r)["keypoint_index"] for r in kps] == [2, 3]
    assert all(r["class"] == "b" for r in kps)
    box = t.one("labels", "#/annotations/0/bbox")
    rel = sorted((r["relation"], r["from_label_id"], r["to_label_id"]) for r in t["links"])
    # skeleton [0, 1], [1, 2] (1-based in COCO): keypoint 1 is not labelled, so no edge
    assert rel == sorted(("part_of", k["label_id"], box["label_id"]) for k in kps)


def test_named_keypoints_skeleton_and_compressed_rle(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(SYN / "keypoints_rle.json")
    kp = {attrs(r)["keypoint"]: r for r in t["labels"] if r["kind"] == "keypoint"}
    assert set(kp) == {"head", "neck", "hip"}  # knee: v = 0
    assert (kp["hip"]["x"], kp["hip"]["y"], attrs(kp["hip"])["visibility"]) == (6.0, 14.0, 1)
    assert kp["head"]["class"] == "person"
    skeleton = {
        (r["from_label_id"], r["to_label_id"], r["direction"])
        for r in t["links"]
        if r["relation"] == "skeleton"
    }
    assert skeleton == {
        (kp["head"]["label_id"], kp["neck"]["label_id"], "both"),
        (kp["neck"]["label_id"], kp["hip"]["label_id"], "both"),
    }
    assert sum(r["relation"] == "part_of" for r in t["links"]) == 3
    mask = t.one("labels", "#/annotations/1/segmentation")
    assert mask["mask_rle"] == [0, 20, 30] and mask["class"] == "crowd"
    assert attrs(mask)["rle_compressed"] is True
    crowd = t.one("assets", "#/images/1")
    assert attrs(crowd) == {"coco_url": "http://images.example/crowd.jpg"}
    assert crowd["uri"] == "crowd.jpg"


def test_captions_with_empty_categories(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(COCO / "captions_train.json")
    cap = t.one("labels", "#/annotations/0")
    assert (cap["kind"], cap["text"], cap["class"]) == ("text", "hello", None)
    assert cap["x"] is None and cap["points"] is None
    assert attrs(cap) == {"coco_id": 1}
    assert (t.counts["labels"]["in"], t.counts["labels"]["taken"]) == (1, 1)


@pytest.mark.parametrize(
    "path", [COCO / "instances_val.json", SYN / "keypoints_rle.json"], ids=lambda p: p.name
)
def test_streamed_equals_whole(
    path: Path, pulled: Callable[[Path], Tables], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large files are streamed with ijson: the same rows as a whole-file parse."""
    monkeypatch.setattr(stream, "WHOLE_MAX_BYTES", 0)
    streamed = pull_files([path], "coco", tmp_path / "out")
    whole = pulled(path)
    for table in ("items", "assets", "annotations", "labels", "links", "quarantine"):
        assert streamed[table] == whole[table], table
