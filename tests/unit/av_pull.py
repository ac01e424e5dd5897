"""Pull one file of a time-based format (WebVTT, SRT, RTTM, TextGrid) and read the tables back.

Shared by the golden and bad-input tests of those formats. ``pull_file`` runs the real
:func:`labelrelease.pull.run.pull` (no contract validator: these tests are about the importer)
and returns ``{table: [row, ...]}`` with ``.counts`` (``pull.json``), checking on the way that
the counts add up for every record kind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from labelrelease.formats import registry
from labelrelease.formats.base import ItemBinding, SourceFile
from labelrelease.model.schema import TABLES
from labelrelease.pull.run import PullInput, pull

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SOURCE = "src-name"


class Tables(dict[str, list[dict[str, Any]]]):
    """The canonical tables of one pull; ``counts`` is ``pull.json``."""

    counts: dict[str, Any]

    def at(self, table: str, suffix: str) -> dict[str, Any]:
        """The one row of ``table`` whose ``source_ref`` ends with ``suffix``."""
        found = [r for r in self[table] if r["source_ref"].endswith(suffix)]
        assert len(found) == 1, f"{len(found)} {table} rows at {suffix!r}"
        return found[0]

    def reasons(self) -> dict[str, int]:
        """Quarantine reason codes of every record kind, counted."""
        out: dict[str, int] = {}
        for row in self["quarantine"]:
            out[row["reason_code"]] = out.get(row["reason_code"], 0) + 1
        return out


def attrs(row: dict[str, Any]) -> dict[str, Any]:
    """A row's ``attributes``, parsed ({} for NULL)."""
    return json.loads(row["attributes"]) if row["attributes"] is not None else {}


def pull_file(
    path: Path,
    out: Path,
    fmt: str | None = None,
    options: dict[str, Any] | None = None,
    binding: ItemBinding | None = None,
) -> Tables:
    """Import ``path`` (format detected unless ``fmt``) into ``out`` and read it back."""
    importer = registry.get(fmt) if fmt else registry.detect(path)
    src = SourceFile(path, path.name, SOURCE, "1.0", dict(options or {}), binding)
    pull([PullInput(src, importer)], out)
    tables = Tables({t: pq.read_table(out / f"{t}.parquet").to_pylist() for t in TABLES})
    tables.counts = json.loads((out / "pull.json").read_text(encoding="utf-8"))
    for kind, c in tables.counts.items():
        assert c["in"] == c["taken"] + c["quarantined"], kind
    assert sum(c["quarantined"] for c in tables.counts.values()) == len(tables["quarantine"])
    return tables


def no_geometry(row: dict[str, Any]) -> None:
    """Assert that a time-aligned label carries nothing but times (empty is NULL)."""
    for name in ("x", "y", "w", "h", "rotation", "points", "mask_rle", "keyframes"):
        assert row[name] is None, name
    for name in ("frame_start", "frame_end", "char_start", "char_end", "number"):
        assert row[name] is None, name
