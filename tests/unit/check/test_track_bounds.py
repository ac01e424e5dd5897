"""Keyframe boxes of video tracks inside the frame: ``box_inside_image`` checks every keyframe of
a ``track`` label with the same corner arithmetic as a box, and reports one row per track.

The base tables (``tables.base``): a 100 x 80 video of 2 s at 10 fps (``as_vid``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from labelrelease.check import run_check
from tests.unit.check.tables import Rows, added, base, write
from tests.unit.check.test_expectations import CONTRACT, SUITES, failures
from tests.unit.importing import ASSETS, pull_files


def _key(frame: int, x: float, y: float, w: float = 20.0, h: float = 20.0,
         rotation: float = 0.0, enabled: bool = True) -> dict[str, Any]:  # fmt: skip
    return {"frame": frame, "time": frame / 10.0, "x": x, "y": y, "w": w, "h": h,
            "rotation": rotation, "enabled": enabled}  # fmt: skip


def _track(rows: Rows, keyframes: list[dict[str, Any]], asset: str = "as_vid") -> Rows:
    frames = [k["frame"] for k in keyframes]
    return added(rows, "labels", label_id="lb_trk", annotation_id="an1", asset_id=asset,
                 kind="track", origin="human", keyframes=keyframes, frame_start=min(frames),
                 frame_end=max(frames), **{"class": "Car"})  # fmt: skip


def _fails(tmp: Path) -> list[dict[str, Any]]:
    return pq.read_table(tmp / "out" / "failures.parquet").to_pylist()


TRACKS: list[tuple[str, list[dict[str, Any]], bool]] = [
    ("inside at every keyframe", [_key(0, 10, 10), _key(5, 40, 30), _key(10, 80, 60)], False),
    # the last keyframe reaches x = 105 in a 100 px frame
    ("one keyframe leaves the width", [_key(0, 10, 10), _key(10, 85, 30)], True),
    ("one keyframe leaves the height", [_key(0, 10, 10), _key(10, 10, 61)], True),
    ("a negative corner", [_key(0, -1, 10), _key(10, 10, 10)], True),
    # inside unrotated (x 5..25), turned 45 deg about its top-left corner it reaches x = -9.1
    ("rotated out", [_key(0, 5, 10, rotation=45.0)], True),
    # 180 deg about (95, 10): it extends left and up, x 75..95, y 0..10 (unrotated: x 115)
    ("rotated in", [_key(0, 95, 10, h=10.0, rotation=180.0)], False),
    # a disabled keyframe (the track ends after it) is still a box drawn on that frame
    ("a disabled keyframe out", [_key(0, 10, 10), _key(10, 90, 10, enabled=False)], True),
]


@pytest.mark.parametrize(("why", "keyframes", "out"), TRACKS, ids=[t[0] for t in TRACKS])
def test_track_keyframes_inside_the_frame(
    tmp_path: Path, why: str, keyframes: list[dict[str, Any]], out: bool
) -> None:
    found = failures(_track(base(), keyframes), tmp_path)
    assert found == ({"box_inside_image": {"lb_trk"}} if out else {}), why


def test_one_row_per_track_naming_the_first_keyframe_out(tmp_path: Path) -> None:
    keyframes = [_key(0, 10, 10), _key(4, 90, 10), _key(8, 10, 70), _key(12, 95, 70)]
    run_check(
        write(_track(base(), keyframes), tmp_path / "in"), CONTRACT, SUITES,
        out=tmp_path / "out", report=tmp_path / "check.json", gates={}, overrides=[],
    )  # fmt: skip
    (fail,) = _fails(tmp_path)
    assert (fail["expectation"], fail["record_id"]) == ("box_inside_image", "lb_trk")
    assert (fail["kind"], fail["modality"], fail["figure"]) == ("track", "video", "cross_modal")
    assert fail["value"] == (
        "3 of 4 keyframes outside; first, frame 4: x=90 y=10 w=20 h=20 in 100x80"
    )
    report = (tmp_path / "check.json").read_text()
    assert '"cross_modal_integrity_failures": 1.0' in report


def test_rotated_keyframe_failure_explains_the_corners(tmp_path: Path) -> None:
    failures(_track(base(), [_key(3, 5, 10, rotation=45.0)]), tmp_path)
    (fail,) = _fails(tmp_path)
    assert fail["value"].startswith(
        "1 of 1 keyframes outside; first, frame 3: x=5 y=10 w=20 h=20 rotated 45 deg: "
        "corners x -9.14"
    )


def test_a_track_on_a_video_of_unknown_size_is_not_checked(tmp_path: Path) -> None:
    rows = copy.deepcopy(base())
    for asset in rows["assets"]:
        if asset["asset_id"] == "as_vid":
            asset["width"] = asset["height"] = None
    assert failures(_track(rows, [_key(0, 500, 500)]), tmp_path) == {}


def test_boxes_and_tracks_in_one_pass(tmp_path: Path) -> None:
    rows = added(base(), "labels", label_id="lb_box2", annotation_id="an1", asset_id="as_img",
                 kind="box", origin="human", x=95.0, y=10.0, w=10.0, h=10.0,
                 **{"class": "Cat"})  # fmt: skip
    found = failures(_track(rows, [_key(0, 90, 10)]), tmp_path)
    assert found == {"box_inside_image": {"lb_box2", "lb_trk"}}


# --- the real CVAT video fixture ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cvat_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CVAT video fixture pulled: one box track of 3 keyframes on a 25 x 20 video."""
    out = tmp_path_factory.mktemp("cvat") / "tables"
    pull_files([ASSETS / "cvat" / "for_video" / "annotations.xml"], "cvat", out)
    return out


def _track_failures(tables: Path, tmp: Path) -> list[dict[str, Any]]:
    run_check(
        tables, CONTRACT, SUITES,
        out=tmp / "out", report=tmp / "check.json", gates={}, overrides=[],
    )  # fmt: skip
    return [f for f in _fails(tmp) if f["expectation"] == "box_inside_image"]


def test_the_cvat_video_track_is_inside_its_frame(cvat_video: Path, tmp_path: Path) -> None:
    labels = pq.read_table(cvat_video / "labels.parquet").to_pylist()
    (track,) = [lb for lb in labels if lb["kind"] == "track"]
    assert len(track["keyframes"]) == 3
    assert _track_failures(cvat_video, tmp_path) == []


def test_the_cvat_video_track_moved_out_of_its_frame_fails(
    cvat_video: Path, tmp_path: Path
) -> None:
    """The same track after a tool moved its last keyframe 12 px right (x 20..26 of 25)."""
    tables = tmp_path / "tables"
    tables.mkdir()
    for path in cvat_video.glob("*.parquet"):
        (tables / path.name).write_bytes(path.read_bytes())
    labels = pq.read_table(cvat_video / "labels.parquet")
    rows = labels.to_pylist()
    (track,) = [lb for lb in rows if lb["kind"] == "track"]
    track["keyframes"][-1]["x"] += 12.0
    pq.write_table(labels.from_pylist(rows, schema=labels.schema), tables / "labels.parquet")
    (fail,) = _track_failures(tables, tmp_path)
    assert fail["record_id"] == track["label_id"]
    assert fail["source_ref"].endswith("annotations.xml#/track/0")
    assert fail["value"] == "1 of 3 keyframes outside; first, frame 16: x=20 y=7 w=6 h=10 in 25x20"
