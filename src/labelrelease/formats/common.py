"""Small helpers the importers of other tools' formats share: numbers, bounds, row parts."""

from __future__ import annotations

import codecs
import math
from typing import Any, TypeGuard

OUTSIDE_TOLERANCE = 1.0
"""Pixels a coordinate may lie outside its image before the label is quarantined (exports
round, and tools let a drag end a little past the edge)."""

UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class BadRecord(Exception):
    """One input record cannot be taken: its reason code, field and message."""

    def __init__(self, reason_code: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.field = field
        self.message = message


def is_number(v: Any) -> TypeGuard[float]:
    """A finite int or float that is not a bool."""
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def to_float(value: Any, field: str) -> float:
    """``value`` as a float (numbers, or text that reads as one); :class:`BadRecord` if not."""
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    if value is None:
        raise BadRecord("missing_field", field, f"`{field}` is missing; re-export the file")
    raise BadRecord("wrong_type", field, f"`{field}` must be a number, not {value!r}")


def floats(values: list[Any], field: str) -> list[float]:
    """``values`` as floats; :class:`BadRecord` naming ``field`` if one is not a number."""
    if _NUMERIC.issuperset(map(type, values)):  # JSON numbers are always finite
        return list(map(float, values))
    return [to_float(v, field) for v in values]


_NUMERIC = frozenset((int, float))


def outside(points: list[float], width: float | None, height: float | None) -> str | None:
    """Why the flat ``[x0, y0, x1, y1, ...]`` leave a ``width`` x ``height`` image (or None)."""
    if not width or not height or len(points) < 2:
        return None
    tol = OUTSIDE_TOLERANCE
    xs, ys = points[0::2], points[1::2]
    if min(xs) >= -tol and min(ys) >= -tol and max(xs) <= width + tol and max(ys) <= height + tol:
        return None
    for x, y in zip(xs, ys, strict=False):
        if x < -tol or y < -tol or x > width + tol or y > height + tol:
            break
    return (
        f"point ({x:g}, {y:g}) lies outside the {width:g}x{height:g} image; fix the "
        "label in the tool or the image size in the export"
    )


def check_inside(points: list[float], width: float | None, height: float | None) -> None:
    """Raise :class:`BadRecord` ``outside_image`` when ``points`` leave the image."""
    why = outside(points, width, height)
    if why is not None:
        raise BadRecord("outside_image", None, why)


def utf16_bom(head: bytes) -> bool:
    """Whether ``head`` starts with a UTF-16 or UTF-32 byte order mark."""
    return head.startswith(UTF16_BOMS)
