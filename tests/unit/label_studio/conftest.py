"""Fixtures of the Label Studio golden tests: pull a file once per session, read its tables.

``pulled(path, config)`` imports one file with :func:`labelrelease.pull.run.pull` (as the CLI
does, through :func:`labelrelease.pull.plan.plan_files`) and returns the canonical tables as
``{table: [row dict, ...]}`` (pyarrow ``to_pylist()``), plus ``.counts`` (``pull.json``) and
``.out`` (the output folder). Results are cached per (file, config) for the session, so many
tests can look at one import without paying for it again; tests must not mutate the rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from labelrelease.model.schema import TABLES, primary_key
from labelrelease.pull.plan import plan_files
from labelrelease.pull.run import pull

TESTS = Path(__file__).resolve().parents[2]
LS = TESTS / "assets" / "label-studio"
"""Byte copies of real Label Studio exports (see SOURCES.md there)."""
SYN = TESTS / "assets" / "label-studio-synthetic"
"""Hand-written files in Label Studio's export shapes (see README.md there)."""

SOURCE = "src-name"
GUIDELINE = "1.0"


class Pulled(dict[str, list[dict[str, Any]]]):
    """The canonical tables of one pull, by name; ``counts`` is ``pull.json``."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]], counts: dict, out: Path) -> None:
        super().__init__(tables)
        self.counts = counts
        self.out = out

    def rows(self, table: str, suffix: str) -> list[dict[str, Any]]:
        """Rows of ``table`` whose ``source_ref`` ends with ``suffix``
        (e.g. ``#/0/annotations/0/result/1``)."""
        return [r for r in self[table] if r["source_ref"].endswith(suffix)]

    def one(self, table: str, suffix: str) -> dict[str, Any]:
        """The single row of ``table`` whose ``source_ref`` ends with ``suffix``."""
        found = self.rows(table, suffix)
        assert len(found) == 1, f"expected one {table} row at {suffix!r}, found {len(found)}"
        return found[0]

    def label(self, suffix: str) -> dict[str, Any]:
        """The single label whose ``source_ref`` ends with ``suffix``."""
        return self.one("labels", suffix)

    def by_id(self, table: str, key: str) -> dict[str, Any]:
        """The row of ``table`` whose key column (its first column) is ``key``."""
        column = primary_key(table)
        found = [r for r in self[table] if r[column] == key]
        assert len(found) == 1, f"expected one {table} row with id {key!r}, found {len(found)}"
        return found[0]

    @staticmethod
    def attrs(row: dict[str, Any]) -> dict[str, Any]:
        """The ``attributes`` JSON of a row, parsed ({} when NULL)."""
        text = row["attributes"]
        return json.loads(text) if text is not None else {}


def run_pull(path: Path, config: Path | None, out: Path) -> Pulled:
    """Import ``path`` (with labeling ``config`` if given) into ``out`` and read it back."""
    options = {"label_config": str(config)} if config is not None else None
    pull(plan_files([path], "label-studio", SOURCE, GUIDELINE, options), out)
    tables = {t: pq.read_table(out / f"{t}.parquet").to_pylist() for t in TABLES}
    counts = json.loads((out / "pull.json").read_text(encoding="utf-8"))
    return Pulled(tables, counts, out)


@pytest.fixture(scope="session")
def pulled(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Pulled]:
    """``pulled(path, config=None)``: the tables of a pull of one file (cached per session)."""
    cache: dict[tuple[Path, Path | None], Pulled] = {}

    def get(path: Path, config: Path | None = None) -> Pulled:
        key = (path, config)
        if key not in cache:
            cache[key] = run_pull(path, config, tmp_path_factory.mktemp("pull") / "out")
        return cache[key]

    return get


@pytest.fixture(scope="session")
def pull_into() -> Callable[..., Pulled]:
    """``pull_into(path, config, out)``: a fresh pull (never cached) into folder ``out``."""
    return run_pull
