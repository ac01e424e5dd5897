"""Small canonical tables and migration folders for the migrate tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from labelrelease.migrate import MigrateSettings, load_chain, migrate
from labelrelease.model.schema import SCHEMAS


def row(table: str, **values: Any) -> dict[str, Any]:
    """A row of ``table`` with every column, the required ones filled with plain defaults."""
    defaults = {"source": "s", "source_ref": "ref", "is_gold": False, "name": "a",
                "modality": "image", "origin": "human", "pass": "visual", "status": "submitted",
                "guideline_version": "1.0", "kind": "box", "direction": "forward",
                "relation": "describes", "item_id": "it1", "annotation_id": "an1",
                "record_kind": "labels", "reason_code": "x", "message": "m"}  # fmt: skip
    return {f.name: values.get(f.name, defaults.get(f.name)) for f in SCHEMAS[table]}


def label(label_id: str, annotation_id: str = "an1", **values: Any) -> dict[str, Any]:
    return row("labels", label_id=label_id, annotation_id=annotation_id, **values)


def write_staged(
    folder: Path,
    labels: list[dict[str, Any]],
    annotations: dict[str, str] | None = None,
    links: list[dict[str, Any]] | None = None,
) -> Path:
    """Write the six staged tables; ``annotations`` maps annotation_id → guideline version."""
    folder.mkdir(parents=True, exist_ok=True)
    anns = annotations or {"an1": "1.0"}
    tables = {
        "items": [row("items", item_id="it1")],
        "assets": [row("assets", asset_id="as1")],
        "annotations": [row("annotations", annotation_id=a, guideline_version=v)
                        for a, v in anns.items()],
        "labels": labels,
        "links": links or [],
        "quarantine": [],
    }  # fmt: skip
    for name, rows in tables.items():
        schema = SCHEMAS[name]
        table = pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()
        pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
    return folder


def write_migrations(folder: Path, *docs: str) -> Path:
    """Write migration files ``0001.yaml``... from YAML texts (a text starting with ``--``
    is written as a .sql migration)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, doc in enumerate(docs, 1):
        suffix = ".sql" if doc.startswith("--") else ".yaml"
        (folder / f"{i:04d}{suffix}").write_text(doc, encoding="utf-8")
    return folder


def mig(mid: str, revises: str | None, version: str, ops: str, **extra: str) -> str:
    """A YAML migration text with ``ops`` (YAML flow list) as its operations."""
    head = f"id: {mid}\nrevises: {revises or 'null'}\nmessage: change {mid}\n"
    head += f'guideline_version: "{version}"\n'
    for key, value in extra.items():
        head += f"{key}: {value}\n"
    return head + f"operations: {ops}\n"


def run(tmp: Path, staged: Path, migrations: Path, out_name: str = "out") -> dict[str, Any]:
    """Migrate ``staged`` with the chain in ``migrations``; return every output as rows."""
    out = tmp / out_name
    report = migrate(staged, out, load_chain(migrations), settings=MigrateSettings())
    result: dict[str, Any] = {"report": report}
    for path in out.glob("*.parquet"):
        result[path.stem] = pq.read_table(path).to_pylist()
    assert json.loads((out / "migrate.json").read_text()) == report
    return result


def by_id(rows: list[dict[str, Any]], key: str = "label_id") -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in rows}


def cells(changes: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """Label changes as (record_id, field, old, new, cause)."""
    return {(c["record_id"], c["field"], c["old"], c["new"], c["cause"])
            for c in changes if c["table"] != "annotations"}  # fmt: skip
