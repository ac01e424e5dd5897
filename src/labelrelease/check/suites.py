"""Expectation suites: Great Expectations suite JSON files in ``expectations/``.

Each expectation is a standard GE expectation (``type``, ``kwargs``) whose ``meta`` says which
canonical table it runs on (``table``), a stable ``name`` (the ``expectation`` column of
``failures.parquet``) and the ``figure`` it counts towards (see :data:`SUITE_FIGURE`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labelrelease.check.figures import SUITE_FIGURE
from labelrelease.errors import ConfigError
from labelrelease.model.schema import RECORD_KINDS

COLUMN_MAP = (
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
)
"""Column-map expectation types evaluated in one scan per table."""

UNIQUE = "expect_column_values_to_be_unique"
ROW_COUNT = "expect_table_row_count_to_be_between"
UNEXPECTED_ROWS = "unexpected_rows_expectation"
SUITE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
SUPPORTED = (*COLUMN_MAP, UNIQUE, ROW_COUNT, UNEXPECTED_ROWS)


@dataclass(frozen=True)
class Expectation:
    """One expectation of a suite, with its place (suite, index) for messages."""

    suite: str
    index: int
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]
    description: str | None

    @property
    def name(self) -> str:
        return str(self.meta["name"])

    @property
    def table(self) -> str:
        return str(self.meta["table"])

    @property
    def figure(self) -> str:
        return str(self.meta["figure"])

    def config(self) -> dict[str, Any]:
        """The expectation as GE stores it."""
        out: dict[str, Any] = {"type": self.type, "kwargs": self.kwargs, "meta": self.meta}
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    expectations: tuple[Expectation, ...]


def load_suites(folder: Path) -> list[Suite]:
    """Every ``*.json`` suite in ``folder``, sorted by file name; names are unique."""
    if not folder.is_dir():
        raise ConfigError(
            "expectations folder not found; give --expectations DIR", path=str(folder)
        )
    suites = [_load(path) for path in sorted(folder.glob("*.json"))]
    if not suites:
        raise ConfigError("holds no suite (*.json)", path=str(folder))
    seen: dict[str, str] = {}
    for suite in suites:
        for e in suite.expectations:
            if e.name in seen:
                raise ConfigError(
                    f"expectation name `{e.name}` is used twice (also in {seen[e.name]})",
                    path=str(suite.path),
                )
            seen[e.name] = str(suite.path)
    return suites


def _load(path: Path) -> Suite:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"not a readable JSON suite: {e}", path=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise ConfigError("a suite needs `name` and an `expectations` list", path=str(path))
    name = str(data.get("name") or path.stem)
    if not SUITE_NAME.fullmatch(name):
        raise ConfigError("suite `name` must be letters, digits, `_`, `-` or `.`", path=str(path))
    items = [_expectation(name, path, i, e) for i, e in enumerate(data["expectations"])]
    return Suite(name, path, tuple(items))


def _expectation(suite: str, path: Path, index: int, data: Any) -> Expectation:
    where = f"expectations[{index}]"
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping", path=str(path), key=where)
    kind, kwargs, meta = data.get("type"), data.get("kwargs") or {}, data.get("meta") or {}
    if kind not in SUPPORTED:
        raise ConfigError(
            f"expectation type {kind!r} is not evaluated by check; use one of "
            + ", ".join(SUPPORTED),
            path=str(path),
            key=where,
        )
    for key, allowed in (("table", RECORD_KINDS), ("figure", tuple(SUITE_FIGURE))):
        if meta.get(key) not in allowed:
            raise ConfigError(
                f"meta.{key} must be one of {', '.join(allowed)}", path=str(path), key=where
            )
    if not isinstance(meta.get("name"), str) or not meta["name"]:
        raise ConfigError("meta.name (a stable short name) is required", path=str(path), key=where)
    if kind == UNEXPECTED_ROWS and not isinstance(kwargs.get("unexpected_rows_query"), str):
        raise ConfigError("needs kwargs.unexpected_rows_query", path=str(path), key=where)
    if kind not in (ROW_COUNT, UNEXPECTED_ROWS) and not isinstance(kwargs.get("column"), str):
        raise ConfigError("needs kwargs.column", path=str(path), key=where)
    return Expectation(suite, index, kind, kwargs, meta, data.get("description"))
