"""Hand-built canonical tables for QA tests (every column of the schemas; defaults filled)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from labelrelease.model.schema import SCHEMAS
from labelrelease.qa.settings import QASettings

DEFAULTS: dict[str, Any] = {
    "source": "test",
    "source_ref": "test",
    "is_gold": False,
    "origin": "human",
    "pass": "combined",
    "status": "submitted",
    "guideline_version": "1",
    "direction": "forward",
}


def write_tables(folder: Path, **rows: list[dict[str, Any]]) -> Path:
    """Write the five canonical tables to ``folder`` (a table not given is empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in ("items", "assets", "annotations", "labels", "links"):
        schema = SCHEMAS[table]
        full = [
            {
                f.name: r.get(f.name, DEFAULTS.get(f.name) if not f.nullable else None)
                for f in schema
            }
            for r in rows.get(table, [])
        ]
        pq.write_table(pa.Table.from_pylist(full, schema=schema), folder / f"{table}.parquet")
    return folder


def qa_settings(folder: Path, tmp_path: Path, **overrides: Any) -> QASettings:
    """QA settings over ``folder`` writing under ``tmp_path``, with no contract file."""
    values: dict[str, Any] = {
        "out": tmp_path / "out",
        "report": tmp_path / "qa.json",
        "report_dir": tmp_path / "qa",
        "contract": tmp_path / "none.yaml",
    }
    return QASettings(inp=folder, **(values | overrides))


def box(
    lid: str, ann: str, item: str, x: float, y: float, cls: str = "car", **kw: Any
) -> dict[str, Any]:
    return {
        "label_id": lid,
        "annotation_id": ann,
        "item_id": item,
        "asset_id": f"{item}/img",
        "kind": "box",
        "class": cls,
        "x": x,
        "y": y,
        "w": 10.0,
        "h": 10.0,
    } | kw
