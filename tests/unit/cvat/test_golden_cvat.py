"""Golden tests of the CVAT importer over datumaro's CVAT exports and a hand-written file.

Expected rows are written by hand from the files (tests/assets/cvat/SOURCES.md)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from labelrelease.model.ids import make_id
from tests.unit.importing import ASSETS, SOURCE, Tables, attrs, close, pull_files

CVAT = ASSETS / "cvat"
TASK = CVAT / "for_images" / "export_task" / "train.xml"
PROJECT = CVAT / "for_images" / "export_project" / "annotations.xml"
VIDEO = CVAT / "for_video" / "annotations.xml"
SYN = ASSETS / "cvat-synthetic" / "rotated_ellipse_tag.xml"


@pytest.fixture(scope="module")
def pulled(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Tables]:
    cache: dict[Path, Tables] = {}

    def get(path: Path) -> Tables:
        if path not in cache:
            cache[path] = pull_files([path], "cvat", tmp_path_factory.mktemp("cvat") / "out")
        return cache[path]

    return get


def test_box_with_typed_attributes(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(TASK)
    item = t.one("items", "#/image/0")
    assert item["item_id"] == make_id("items", SOURCE, "0")
    asset = t.one("assets", "#/image/0")
    assert (asset["uri"], asset["width"], asset["height"], asset["modality"]) == (
        "img0.jpg", 8, 8, "image",
    )  # fmt: skip
    box = t.one("labels", "#/image/0/0")
    assert (box["kind"], box["class"]) == ("box", "label1")
    assert [box[k] for k in ("x", "y", "w", "h")] == [0.0, 2.0, 4.0, 2.0]
    assert box["rotation"] is None
    assert attrs(box) == {
        "attributes": {"a1": True, "a2": "v3", "a3": "0003", "a4": 2.4},
        "occluded": True,
        "z_order": 1,
    }


def test_polyline_polygon_points(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(TASK)
    line = t.one("labels", "#/image/0/1")
    assert line["kind"] == "polyline" and line["class"] is None  # label=""
    assert close(line["points"], [1, 2, 3, 4, 5, 6, 7, 8])
    poly = t.one("labels", "#/image/1/0")
    assert poly["kind"] == "polygon" and close(poly["points"], [1, 2, 3, 4, 6, 5])
    points = sorted(t.rows("labels", "#/image/1/1"), key=lambda r: attrs(r)["point_index"])
    assert [(p["kind"], p["x"], p["y"], p["class"]) for p in points] == [
        ("keypoint", 1.0, 2.0, "label2"), ("keypoint", 3.0, 4.0, "label2"),
        ("keypoint", 5.0, 6.0, "label2"),
    ]  # fmt: skip
    assert len(t["labels"]) == 6 and t.counts["labels"]["quarantined"] == 0


def test_project_export_subsets_are_distinct_items(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(PROJECT)
    assert sorted(r["split"] for r in t["items"]) == [
        "Test", "Test", "Train", "Train", "Validation", "Validation",
    ]  # fmt: skip
    assert len({r["item_id"] for r in t["items"]}) == 6
    assert t.one("items", "#/image/2")["item_id"] == make_id("items", SOURCE, "39/Train/0")


def test_rotated_box_ellipse_tag(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(SYN)
    box = t.one("labels", "#/image/0/0")
    # centre (20, 15), 20 x 10, 90 degrees clockwise: the top-left corner (10, 10) turns to
    # (20 + 5, 15 - 10)
    assert close([box["x"], box["y"], box["w"], box["h"], box["rotation"]], [25, 5, 20, 10, 90])
    assert attrs(box) == {"attributes": {"parked": True}, "group_id": "4", "source": "manual"}
    ell = t.one("labels", "#/image/0/1")
    assert ell["kind"] == "ellipse"
    assert close([ell["x"], ell["y"], ell["w"], ell["h"], ell["rotation"]], [40, 30, 5, 3, 30.5])
    tag = t.one("labels", "#/image/0/2")
    assert (tag["kind"], tag["class"], tag["x"]) == ("tag", "night", None)
    assert t.one("assets", "#/image/0")["uri"] == "street/0003.png"


def test_rotation_keeps_the_centre(pulled: Callable[[Path], Tables]) -> None:
    box = pulled(SYN).one("labels", "#/image/0/0")
    t = math.radians(box["rotation"])
    cx = box["x"] + box["w"] / 2 * math.cos(t) - box["h"] / 2 * math.sin(t)
    cy = box["y"] + box["w"] / 2 * math.sin(t) + box["h"] / 2 * math.cos(t)
    assert close([cx, cy], [20, 15])


def test_video_box_track_with_outside(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(VIDEO)
    video = t.one("assets", "#/meta")
    assert (video["modality"], video["uri"], video["width"], video["height"]) == (
        "video", "t.mp4", 25, 20,
    )  # fmt: skip
    item = t.one("items", "#/meta")
    assert attrs(item) == {"frame_step": 3, "start_frame": 10, "stop_frame": 19,
                           "task_id": "5", "task_name": "v1"}  # fmt: skip
    track = t.one("labels", "#/track/0")
    assert (track["kind"], track["class"], track["frame_start"], track["frame_end"]) == (
        "track", "II", 10, 16,
    )  # fmt: skip
    assert track["keyframes"] == [
        {"frame": 10, "time": None, "x": 3.0, "y": 4.0, "w": 7.0, "h": 1.0, "rotation": 0.0,
         "enabled": True},
        {"frame": 13, "time": None, "x": 7.0, "y": 6.0, "w": 7.0, "h": 2.0, "rotation": 0.0,
         "enabled": False},
        {"frame": 16, "time": None, "x": 8.0, "y": 7.0, "w": 6.0, "h": 10.0, "rotation": 0.0,
         "enabled": False},
    ]  # fmt: skip
    assert attrs(track) == {"track_id": "0"}


def test_video_shape_tracks_and_skeleton(pulled: Callable[[Path], Tables]) -> None:
    t = pulled(VIDEO)
    points = t.rows("labels", "#/track/1/0")  # the keyframe at 10; 13 is outside
    assert sorted((p["x"], p["y"]) for p in points) == [(2.23, 3.16), (2.55, 15.09), (21.95, 8.0)]
    assert all(attrs(p)["frame"] == 10 and attrs(p)["track_id"] == "1" for p in points)
    assert {attrs(p)["attributes"]["hgl"] for p in points} == {"hgkf"}
    assert t.rows("labels", "#/track/1/1") == []
    line = t.one("labels", "#/track/2/0")
    assert line["kind"] == "polyline" and attrs(line)["frame"] == 13
    q = t.one("quarantine", "#/track/3")
    assert q["reason_code"] == "unsupported_shape" and "<skeleton>" in q["message"]
    assert t.counts["labels"] == {**t.counts["labels"], "taken": 5, "quarantined": 1}
