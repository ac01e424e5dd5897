"""Small canonical tables for migration tests: write them, run migrate, read the results."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from labelrelease.contract.load import load_contract
from labelrelease.contract.model import Contract
from labelrelease.migrate import MigrateResult, migrate
from labelrelease.model.schema import SCHEMAS

ROOT = Path(__file__).resolve().parents[3]
CONTRACT = ROOT / "pipelines" / "contract.yaml"


def contract(version: str) -> Contract:
    """The project's contract, describing guideline ``version`` (the chain's head)."""
    return dataclasses.replace(load_contract(CONTRACT), guideline_version=version)


def _row(table: str, values: dict[str, Any]) -> dict[str, Any]:
    row = {f.name: None for f in SCHEMAS[table]}
    row.update(values)
    return row


def label(
    lid: str, ann: str, kind: str = "box", cls: str | None = "Truck", **kw: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "label_id": lid,
        "annotation_id": ann,
        "item_id": "it1",
        "asset_id": "as1",
        "kind": kind,
        "class": cls,
        "origin": "human",
        "source_ref": f"test#{lid}",
    }
    if kind == "box":
        base.update(x=1.0, y=1.0, w=5.0, h=5.0)
    if "attributes" in kw and isinstance(kw["attributes"], dict):
        kw["attributes"] = json.dumps(kw["attributes"], sort_keys=True, separators=(",", ":"))
    base.update(kw)
    return base


def write_staged(
    folder: Path,
    labels: list[dict[str, Any]],
    versions: dict[str, str],
    links: list[dict[str, Any]] | None = None,
) -> Path:
    """Canonical tables with one item, one image asset, one annotation per entry of
    ``versions`` (annotation id → guideline version), and the given labels and links."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, Any]]] = {
        "items": [{"item_id": "it1", "source": "t", "source_ref": "t#1", "is_gold": False}],
        "assets": [
            {
                "asset_id": "as1",
                "item_id": "it1",
                "name": "image",
                "modality": "image",
                "width": 100,
                "height": 100,
                "source_ref": "t#1",
            }
        ],
        "annotations": [
            {
                "annotation_id": a,
                "item_id": "it1",
                "origin": "human",
                "pass": "visual",
                "status": "submitted",
                "guideline_version": v,
                "source_ref": f"t#{a}",
            }
            for a, v in sorted(versions.items())
        ],
        "labels": labels,
        "links": [
            {"item_id": "it1", "origin": "human", "direction": "right", "source_ref": "t#l", **link}
            for link in links or []
        ],
        "quarantine": [],
    }
    for table, values in rows.items():
        data = [_row(table, v) for v in values]
        pq.write_table(
            pa.Table.from_pylist(data, schema=SCHEMAS[table]),
            folder / f"{table}.parquet",
            compression="zstd",
        )
    return folder


def write_migration(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(tmp: Path, head: str, staged: Path | None = None) -> MigrateResult:
    return migrate(
        staged or tmp / "staged",
        tmp / "out",
        tmp / "migrations",
        contract(head),
        releases=tmp / "releases",
    )


def rows(path: Path, sql: str = "SELECT * FROM t") -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM read_parquet($p)", {"p": str(path)})
    return con.execute(sql).fetchall()
