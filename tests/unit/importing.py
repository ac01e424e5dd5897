"""Pull files of any format into a temporary folder and read the canonical tables back.

``pull_files(paths, fmt, out, options)`` runs :func:`labelrelease.pull.run.pull` as the CLI
does (through :func:`labelrelease.pull.plan.plan_files`), under one source name, and returns
a :class:`Tables`: ``{table: [row dict, ...]}`` with ``counts`` (``pull.json``) and helpers
that find rows by the end of their ``source_ref``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from labelrelease.model.schema import TABLES
from labelrelease.pull.plan import plan_files
from labelrelease.pull.run import pull

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SOURCE = "src"
TOL = 1e-6


class Tables(dict[str, list[dict[str, Any]]]):
    """The canonical tables of one pull by name; ``counts`` is ``pull.json``."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]], counts: dict[str, Any]) -> None:
        super().__init__(tables)
        self.counts = counts

    def rows(self, table: str, suffix: str) -> list[dict[str, Any]]:
        """Rows of ``table`` whose ``source_ref`` ends with ``suffix``."""
        return [r for r in self[table] if r["source_ref"].endswith(suffix)]

    def one(self, table: str, suffix: str) -> dict[str, Any]:
        found = self.rows(table, suffix)
        assert len(found) == 1, f"expected one {table} row at {suffix!r}, found {len(found)}"
        return found[0]

    def reasons(self) -> dict[str, int]:
        """Quarantine reason codes and how often each occurs."""
        out: dict[str, int] = {}
        for row in self["quarantine"]:
            out[row["reason_code"]] = out.get(row["reason_code"], 0) + 1
        return out

    def assert_counts_add_up(self) -> None:
        for kind, c in self.counts.items():
            assert c["in"] == c["taken"] + c["quarantined"], kind
            if kind in self:  # rows folded into another source's row are taken, not written
                assert len(self[kind]) == c["taken"] - c.get("joined", 0), kind


def attrs(row: dict[str, Any]) -> dict[str, Any]:
    """The ``attributes`` JSON of a row, parsed ({} when NULL)."""
    return json.loads(row["attributes"]) if row["attributes"] is not None else {}


def close(a: Sequence[float] | float | None, b: Sequence[float] | float | None) -> bool:
    """Equal to 1e-6 (numbers or lists of numbers)."""
    if a is None or b is None:
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= TOL
    assert not isinstance(a, int | float) and not isinstance(b, int | float)
    return len(a) == len(b) and all(abs(x - y) <= TOL for x, y in zip(a, b, strict=True))


def pull_files(
    paths: Sequence[Path], fmt: str | None, out: Path, options: dict[str, Any] | None = None
) -> Tables:
    """Import ``paths`` (as format ``fmt``, or detected) under one source into ``out``."""
    pull(plan_files(list(paths), fmt, SOURCE, "1.0", options), out)
    tables = {t: pq.read_table(out / f"{t}.parquet").to_pylist() for t in TABLES}
    counts = json.loads((out / "pull.json").read_text(encoding="utf-8"))
    result = Tables(tables, counts.get("counts", counts))
    result.assert_counts_add_up()
    return result
