"""A throwaway release project: generated canonical tables as `data/migrated`, and a second
state of them after a guideline migration and an import of corrected labels."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from benchmarks.canonical import generate

PARAMS = """release:
  in: data/migrated
  out: data/releases
  version: 1.0.0
  date: '2026-12-01'
  duckdb_memory_limit: 512MB
  duckdb_threads: 1
"""


def make_project(root: Path, labels: int = 2000) -> Path:
    """Write params.yaml, data/raw/ (one file) and data/migrated/ (generated tables)."""
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "export.json").write_text('{"demo": true}\n')
    (root / "params.yaml").write_text(PARAMS)
    generate(root / "data" / "migrated", labels, 3)
    return root


def second_state(root: Path) -> dict[str, int]:
    """Change data/migrated as a migration `m002_vehicle` (Person → Pedestrian, review policy on
    Organization labels) and a corrected import (5 boxes moved 10 px, one text edited, 3 labels
    removed, 2 items added) would; returns the expected counts by hand."""
    mig = root / "data" / "migrated"
    con = duckdb.connect()
    con.execute(f"SET file_search_path = '{mig}'")
    con.execute("CREATE TABLE l AS SELECT * FROM read_parquet('labels.parquet')")
    cars = con.execute("SELECT label_id, item_id FROM l WHERE class = 'Person' ORDER BY label_id")
    car_rows = cars.fetchall()
    con.execute("UPDATE l SET class = 'Pedestrian' WHERE class = 'Person'")
    moved = con.execute(
        "SELECT label_id FROM l WHERE kind = 'box' AND class NOT IN ('Pedestrian') "
        "ORDER BY label_id LIMIT 5"
    ).fetchall()
    con.execute(
        "UPDATE l SET x = x + 10 WHERE label_id IN (SELECT unnest($ids))",
        {"ids": [r[0] for r in moved]},
    )
    edited = con.execute(
        "SELECT label_id FROM l WHERE kind = 'text' ORDER BY label_id LIMIT 1"
    ).fetchall()
    con.execute("UPDATE l SET text = text || ' (fixed)' WHERE label_id = $id", {"id": edited[0][0]})
    removed = con.execute(
        "SELECT label_id FROM l WHERE kind = 'tag' ORDER BY label_id LIMIT 3"
    ).fetchall()
    con.execute(
        "DELETE FROM l WHERE label_id IN (SELECT unnest($ids))", {"ids": [r[0] for r in removed]}
    )
    trucks = con.execute("SELECT label_id, item_id FROM l WHERE class = 'Organization' ORDER BY 1")
    truck_rows = trucks.fetchall()
    pq.write_table(con.sql("SELECT * FROM l").to_arrow_table(), mig / "labels.parquet")
    con.execute(
        "CREATE TABLE i AS SELECT * FROM read_parquet('items.parquet') UNION ALL "
        "SELECT * REPLACE ('it_new_' || item_id AS item_id) FROM "
        "(SELECT * FROM read_parquet('items.parquet') ORDER BY item_id LIMIT 2)"
    )
    pq.write_table(con.sql("SELECT * FROM i").to_arrow_table(), mig / "items.parquet")
    _write(
        con,
        mig / "changes.parquet",
        "SELECT label_id, item_id, 'labels' AS \"table\", label_id AS record_id, "
        "'class' AS field, '\"Person\"' AS old, '\"Pedestrian\"' AS new, 'm002_vehicle' AS cause "
        "FROM (SELECT unnest($ids) AS label_id, unnest($items) AS item_id)",
        {"ids": [r[0] for r in car_rows], "items": [r[1] for r in car_rows]},
    )
    _write(
        con,
        mig / "relabel.parquet",
        "SELECT label_id, item_id, 'm002_vehicle' AS migration_id, 'review' AS policy, "
        "'an Organization may be a Location' AS reason FROM "
        "(SELECT unnest($ids) AS label_id, unnest($items) AS item_id)",
        {"ids": [r[0] for r in truck_rows], "items": [r[1] for r in truck_rows]},
    )
    con.close()
    (mig / "migrate.json").write_text(json.dumps({"chain": [
        {"id": "m002_vehicle", "guideline_version": "2.0", "checksum": "sha256:abc",
         "fields": ["class"]}]}))  # fmt: skip
    return {"class_changed": len(car_rows), "geometry_moved": 5, "text_edited": 1,
            "removed": 3, "items_added": 2, "review": len(truck_rows)}  # fmt: skip


def _write(con: duckdb.DuckDBPyConnection, path: Path, sql: str, params: dict[str, object]) -> None:
    pq.write_table(con.sql(sql, params=params).to_arrow_table(), path)
