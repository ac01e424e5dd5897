"""Typed access to the values inside a Label Studio result, with reasons for bad input."""

from __future__ import annotations

import math
import re
from typing import Any


class BadResult(Exception):
    """A result (region) that cannot be taken; becomes one quarantine row."""

    def __init__(self, reason_code: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.field = field
        self.message = message


def number(value: dict[str, Any], key: str) -> float:
    """``value[key]`` as a finite float; missing is an error."""
    v = optional_number(value, key)
    if v is None:
        raise BadResult("missing_field", key, f"`value.{key}` is missing")
    return v


def optional_number(value: dict[str, Any], key: str) -> float | None:
    """``value[key]`` as a finite float, or ``None`` when absent."""
    v = value.get(key)
    if v is None:
        return None
    # Fast path for what JSON parsers return (exact float or int; bool is neither), as this
    # runs for every coordinate of every region and keyframe.
    t = type(v)
    if t is float:
        if math.isfinite(v):
            return v  # type: ignore[no-any-return]
    elif t is int:
        return float(v)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise BadResult(
            "wrong_type", key, f"`value.{key}` must be a number, got {type(v).__name__} {v!r}"
        )
    f = float(v)
    if not math.isfinite(f):
        raise BadResult("wrong_type", key, f"`value.{key}` must be finite, got {v!r}")
    return f


def integer(value: dict[str, Any], key: str) -> int:
    """``value[key]`` as an int; integral strings ("2") are accepted, as Label Studio writes
    paragraph indexes that way."""
    v = value.get(key)
    if v is None:
        raise BadResult("missing_field", key, f"`value.{key}` is missing")
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    raise BadResult("wrong_type", key, f"`value.{key}` must be an integer, got {v!r}")


def string_list(value: dict[str, Any], key: str) -> list[str]:
    """``value[key]`` as a list of strings (a single string is a list of one)."""
    v = value.get(key)
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return list(v)
    raise BadResult("wrong_type", key, f"`value.{key}` must be a list of strings, got {v!r}")


def points(value: dict[str, Any], key: str = "points") -> list[tuple[float, float]]:
    """``value[key]`` as a list of (x, y) pairs."""
    v = value.get(key)
    if v is None:
        raise BadResult("missing_field", key, f"`value.{key}` is missing")
    if not isinstance(v, list) or not v:
        raise BadResult("wrong_type", key, f"`value.{key}` must be a non-empty list of [x, y]")
    out = []
    for i, p in enumerate(v):
        if (
            not isinstance(p, list | tuple)
            or len(p) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in p[:2])
        ):
            raise BadResult("wrong_type", key, f"`value.{key}[{i}]` must be [x, y], got {p!r}")
        out.append((float(p[0]), float(p[1])))
    return out


def utf16_to_codepoints(text: str, offset: int) -> int:
    """Convert a UTF-16 code-unit offset (what Label Studio's browser counts) into a Python
    code-point offset, for text with characters outside the Basic Multilingual Plane."""
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def has_astral(text: str) -> bool:
    """Whether ``text`` has characters that take two UTF-16 code units."""
    return text.isascii() is False and _ASTRAL.search(text) is not None


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
