"""Canonical JSON text for ``attributes`` columns and excerpts."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any) -> str:
    """Compact JSON with sorted keys, so equal values give equal text."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()


def attrs(values: dict[str, Any]) -> str | None:
    """The ``attributes`` cell for ``values``: NULL when nothing is set (empty is NULL)."""
    kept = {k: v for k, v in values.items() if v is not None and v != {} and v != []}
    return dumps(kept) if kept else None
