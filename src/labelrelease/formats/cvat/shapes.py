"""CVAT shapes (XML attributes) to canonical label fields."""

from __future__ import annotations

import math
from typing import Any
from xml.etree.ElementTree import Element

from labelrelease.formats.common import BadRecord, check_inside, to_float

SHAPES = ("box", "polygon", "polyline", "points", "ellipse")
UNSUPPORTED = ("cuboid", "skeleton", "mask")


def attr(elem: Element, name: str) -> str:
    """A required XML attribute of ``elem``."""
    value = elem.get(name)
    if value is None:
        raise BadRecord(
            "missing_field", name, f"<{elem.tag}> has no `{name}` attribute; re-export from CVAT"
        )
    return value


def number(elem: Element, name: str) -> float:
    return to_float(attr(elem, name), name)


def parse_points(elem: Element) -> list[float]:
    """``points="x0,y0;x1,y1;..."`` as a flat list."""
    text = attr(elem, "points")
    out: list[float] = []
    for pair in text.split(";"):
        xy = pair.split(",")
        if len(xy) != 2:
            raise BadRecord("bad_geometry", "points", f"point {pair!r} is not `x,y`")
        out += [to_float(xy[0], "points"), to_float(xy[1], "points")]
    return out


def box_fields(elem: Element) -> dict[str, Any]:
    """A CVAT box (corners, rotation in degrees clockwise about its centre) as the canonical
    top-left corner, size and rotation about that corner."""
    xtl, ytl, xbr, ybr = (number(elem, k) for k in ("xtl", "ytl", "xbr", "ybr"))
    w, h = xbr - xtl, ybr - ytl
    if w <= 0 or h <= 0:
        raise BadRecord(
            "bad_geometry",
            "xbr",
            f"the box has no area (xtl {xtl:g}, xbr {xbr:g}, ytl {ytl:g}, ybr {ybr:g})",
        )
    rotation = float(elem.get("rotation") or 0.0) % 360.0
    if not rotation:
        return {"x": xtl, "y": ytl, "w": w, "h": h, "rotation": None}
    cx, cy = xtl + w / 2, ytl + h / 2
    t = math.radians(rotation)
    x = cx - w / 2 * math.cos(t) + h / 2 * math.sin(t)
    y = cy - w / 2 * math.sin(t) - h / 2 * math.cos(t)
    return {"x": x, "y": y, "w": w, "h": h, "rotation": rotation}


def box_corners(elem: Element) -> list[float]:
    return [number(elem, k) for k in ("xtl", "ytl", "xbr", "ybr")]


def shape_fields(elem: Element, width: float | None, height: float | None) -> list[dict[str, Any]]:
    """The canonical fields of one shape: one dict per label it makes (``points`` makes one
    keypoint per point)."""
    tag = elem.tag
    if tag == "box":
        check_inside(box_corners(elem), width, height)
        return [{"kind": "box", **box_fields(elem)}]
    if tag == "ellipse":
        cx, cy, rx, ry = (number(elem, k) for k in ("cx", "cy", "rx", "ry"))
        if rx <= 0 or ry <= 0:
            raise BadRecord("bad_geometry", "rx", "the ellipse has a radius <= 0")
        check_inside([cx - rx, cy - ry, cx + rx, cy + ry], width, height)
        rotation = float(elem.get("rotation") or 0.0) % 360.0 or None
        return [{"kind": "ellipse", "x": cx, "y": cy, "w": rx, "h": ry, "rotation": rotation}]
    points = parse_points(elem)
    check_inside(points, width, height)
    if tag == "polygon":
        if len(points) < 6:
            raise BadRecord("bad_geometry", "points", "a polygon needs at least 3 points")
        return [{"kind": "polygon", "points": points}]
    if tag == "polyline":
        if len(points) < 4:
            raise BadRecord("bad_geometry", "points", "a polyline needs at least 2 points")
        return [{"kind": "polyline", "points": points}]
    return [
        {"kind": "keypoint", "x": points[i], "y": points[i + 1]} for i in range(0, len(points), 2)
    ]


def typed(value: str | None, input_type: str | None) -> Any:
    """An attribute value typed by its spec (checkbox → bool, number → float)."""
    if value is None:
        return None
    if input_type == "checkbox":
        return value.strip().lower() == "true"
    if input_type == "number":
        try:
            return float(value)
        except ValueError:
            return value
    return value
