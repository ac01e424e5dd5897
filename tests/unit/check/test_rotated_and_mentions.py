"""Rotated boxes and ellipses inside their image; regions the contract requires a caption to name.

The base tables (``tables.base``): one item, a 100 x 80 image with a ``Cat`` box and polygon,
and the caption "A cat on a mat". The demo contract lists ``Animal`` under
``invented_objects.require_mention``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pyarrow.parquet as pq
import pytest

from labelrelease.check import run_check
from labelrelease.check.suites import load_suites
from labelrelease.formats.cvat.shapes import box_fields
from tests.unit.check.tables import Rows, added, base, changed, write
from tests.unit.check.test_expectations import CONTRACT, failures

ROOT = Path(__file__).resolve().parents[3]


def _region(rows: Rows, label_id: str, kind: str, cls: str = "Cat", **geometry: float) -> Rows:
    return added(rows, "labels", label_id=label_id, annotation_id="an1", asset_id="as_img",
                 kind=kind, origin="human", **{"class": cls}, **geometry)  # fmt: skip


# rotation: degrees clockwise (y down) about the box's top-left corner, about the ellipse's centre
GEOMETRY: list[tuple[str, Any, set[str] | None]] = [
    # 45 deg about (40, 10): corners x 25.9..54.1, y 10..38.3
    ("box_inside_image", lambda r: _region(r, "lb_rot", "box", x=40.0, y=10.0, w=20.0, h=20.0,
                                           rotation=45.0), None),
    # 180 deg about (95, 10): it extends left and up, to x 65..95, y 0..10 (unrotated, it would
    # leave the image at x = 125)
    ("box_inside_image", lambda r: _region(r, "lb_rot", "box", x=95.0, y=10.0, w=30.0, h=10.0,
                                           rotation=180.0), None),
    # inside unrotated (x 5..25), but turned 45 deg its lower-left corner is at x = -9.1
    ("box_inside_image", lambda r: _region(r, "lb_rot", "box", x=5.0, y=10.0, w=20.0, h=20.0,
                                           rotation=45.0), {"lb_rot"}),
    # 90 deg about (90, 10): its width turns downwards, corners x 70..90, y 10..90: it leaves
    # the 80 px height (unrotated, x 90..170 would leave the width instead)
    ("box_inside_image", lambda r: _region(r, "lb_rot", "box", x=90.0, y=10.0, w=80.0, h=20.0,
                                           rotation=90.0), {"lb_rot"}),
    # rx 55 leaves the width unrotated (x -5..105); at 30 deg it spans x 2.3..97.7, y 12.2..67.8
    ("ellipse_inside_image", lambda r: _region(r, "lb_ell", "ellipse", x=50.0, y=40.0, w=55.0,
                                               h=5.0, rotation=30.0), None),
    # inside unrotated (x 5..95, y 30..50); at 90 deg its radius 45 is vertical: y -5..85
    ("ellipse_inside_image", lambda r: _region(r, "lb_ell", "ellipse", x=50.0, y=40.0, w=45.0,
                                               h=10.0, rotation=90.0), {"lb_ell"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "rows", "ids"), GEOMETRY)
def test_rotated_geometry_inside_image(
    tmp_path: Path, name: str, rows: Any, ids: set[str] | None
) -> None:
    found = failures(rows(base()), tmp_path)
    assert found.get(name) == ids
    assert not set(found) - {name}  # nothing else breaks


def test_rotated_box_failure_explains_the_corners(tmp_path: Path) -> None:
    rows = _region(base(), "lb_rot", "box", x=5.0, y=10.0, w=20.0, h=20.0, rotation=45.0)
    failures(rows, tmp_path)
    (fail,) = pq.read_table(tmp_path / "out" / "failures.parquet").to_pylist()
    assert fail["value"].startswith("x=5 y=10 w=20 h=20 rotated 45 deg: corners x -9.14")
    assert fail["value"].endswith("in 100x80")


# --- region_mentioned --------------------------------------------------------------------------


def test_regions_named_by_the_caption_pass(tmp_path: Path) -> None:
    # "cat" names the Cat box and polygon; "animal" names the Dog box (Dog is below Animal)
    rows = _region(base(), "lb_dog", "box", "Dog", x=50.0, y=10.0, w=10.0, h=10.0)
    rows = changed(rows, "labels", "lb_cap", text="A cat and an animal on a mat")
    assert failures(rows, tmp_path) == {}


def test_region_without_mention_fails_with_its_ids(tmp_path: Path) -> None:
    rows = _region(base(), "lb_dog", "box", "Dog", x=50.0, y=10.0, w=10.0, h=10.0)
    rows = _region(rows, "lb_car", "box", "Car", x=60.0, y=10.0, w=10.0, h=10.0)
    found = failures(rows, tmp_path)  # caption: "A cat on a mat"
    # the Dog box is not named; a Car need not be (Vehicle is not in require_mention)
    assert found == {"region_mentioned": {"lb_dog"}}


def test_item_without_caption_is_not_checked(tmp_path: Path) -> None:
    rows = base()
    rows["labels"] = [lb for lb in rows["labels"] if lb["label_id"] != "lb_cap"]
    assert failures(rows, tmp_path) == {}


def test_without_require_mention_nothing_is_required(tmp_path: Path) -> None:
    rows = changed(base(), "labels", "lb_cap", text="A mat on the floor")
    # with the demo contract: the Cat box and polygon are not named
    assert failures(rows, tmp_path / "with") == {"region_mentioned": {"lb_box", "lb_poly"}}
    invented = CONTRACT.text_policy.invented_objects
    assert invented is not None
    contract = replace(
        CONTRACT,
        text_policy=replace(
            CONTRACT.text_policy, invented_objects=replace(invented, require_mention=())
        ),
    )
    result = run_check(
        write(rows, tmp_path / "in"), contract, load_suites(ROOT / "expectations"),
        out=tmp_path / "out", report=tmp_path / "check.json", gates={}, overrides=[],
    )  # fmt: skip
    assert result.figures is not None
    assert pq.read_table(tmp_path / "out" / "failures.parquet").num_rows == 0


@pytest.mark.parametrize(("xtl", "inside"), [(55.0, True), (68.0, False)])
def test_box_rotated_by_cvat_agrees_with_its_true_corners(
    tmp_path: Path, xtl: float, inside: bool
) -> None:
    """CVAT rotates a box about its centre; pull stores the rotated top-left corner. The check
    must see the same four corners as CVAT draws (at xtl 68 the unrotated box, x 68..98, fits;
    turned 30 deg a corner reaches x 101)."""
    corners = dict(xtl=xtl, ytl=20.0, xbr=xtl + 30.0, ybr=40.0)
    box = box_fields(Element("box", {k: str(v) for k, v in {**corners, "rotation": 30}.items()}))
    cx, cy, t = xtl + 15.0, 30.0, math.radians(30)
    xs = [cx + u * math.cos(t) - v * math.sin(t) for u in (-15, 15) for v in (-10, 10)]
    ys = [cy + u * math.sin(t) + v * math.cos(t) for u in (-15, 15) for v in (-10, 10)]
    assert (max(xs) <= 100 and min(xs) >= 0 and min(ys) >= 0 and max(ys) <= 80) is inside
    found = failures(_region(base(), "lb_cvat", "box", **box), tmp_path)
    assert found.get("box_inside_image") == (None if inside else {"lb_cvat"})
