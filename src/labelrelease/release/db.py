"""The DuckDB connection of a release and the views over its input files.

SQL text never carries a path: each input is linked under a fixed name into a scratch folder,
which becomes DuckDB's ``file_search_path``; the views read those fixed names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

from labelrelease.model import duck

VIEW_FILES = {
    "items": "items.parquet",
    "assets": "assets.parquet",
    "annotations": "annotations.parquet",
    "labels": "labels.parquet",
    "links": "links.parquet",
}
_SIDES = ("new", "old")


def connect(scratch: Path, settings: Any) -> duckdb.DuckDBPyConnection:
    """A file-backed connection in ``scratch`` with the release's memory and thread limits."""
    scratch.mkdir(parents=True, exist_ok=True)
    return duck.connect(
        scratch / "release.duckdb",
        memory_limit=str(settings["duckdb_memory_limit"]),
        threads=int(settings["duckdb_threads"]),
        temp_directory=settings["duckdb_temp_directory"] or scratch / "duckdb-tmp",
        preserve_insertion_order=True,
        settings={"TimeZone": "UTC", "file_search_path": str(scratch)},
    )


def link(scratch: Path, side: str, name: str, target: Path) -> None:
    """Make ``target`` readable as ``<side>/<name>`` in the scratch folder."""
    folder = scratch / side
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / name
    if dest.exists() or dest.is_symlink():
        dest.unlink()
    os.symlink(target.resolve(), dest)


_VIEW_SQL = {
    (side, table): f"CREATE OR REPLACE TEMP VIEW {side}_{table} AS "
    f"SELECT * FROM read_parquet('{side}/{file}')"
    for side in _SIDES
    for table, file in VIEW_FILES.items()
}


def table_views(
    con: duckdb.DuckDBPyConnection, scratch: Path, side: str, files: dict[str, Path]
) -> None:
    """Views ``<side>_<table>`` over the five tables in ``files``."""
    for table, path in files.items():
        link(scratch, side, VIEW_FILES[table], path)
        con.execute(_VIEW_SQL[(side, table)])


_OPTIONAL_SQL = {
    "mig_changes": "CREATE OR REPLACE TEMP VIEW mig_changes AS "
    "SELECT * FROM read_parquet('extra/changes.parquet')",
    "relabel": "CREATE OR REPLACE TEMP VIEW relabel AS "
    "SELECT * FROM read_parquet('extra/relabel.parquet')",
    "mig_filtered": "CREATE OR REPLACE TEMP VIEW mig_filtered AS "
    "SELECT * FROM read_parquet('extra/filtered_labels.parquet')",
}
_OPTIONAL_FILES = {
    "mig_changes": "changes",
    "relabel": "relabel",
    "mig_filtered": "filtered_labels",
}


def columns(con: duckdb.DuckDBPyConnection, view: str) -> set[str]:
    """Column names of a view or table."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [view]
    ).fetchall()
    return {str(r[0]) for r in rows}


def cause_views(con: duckdb.DuckDBPyConnection, scratch: Path, optional: dict[str, Path]) -> None:
    """``mig_cause(label_id, field, cause)``, ``filter_cause(label_id, cause)`` and
    ``policy(label_id, policy)`` from migrate's optional outputs (empty when absent)."""
    present = set()
    for view, name in _OPTIONAL_FILES.items():
        if name in optional:
            link(scratch, "extra", f"{name}.parquet", optional[name])
            con.execute(_OPTIONAL_SQL[view])
            present.add(view)
    if "mig_changes" in present and {"label_id", "field", "cause"} <= columns(con, "mig_changes"):
        con.execute(
            "CREATE TEMP TABLE mig_cause AS SELECT label_id, field, "
            "array_to_string(list_sort(list_distinct(list(cause))), ',') AS cause "
            "FROM mig_changes WHERE label_id IS NOT NULL GROUP BY label_id, field"
        )
    else:
        con.execute("CREATE TEMP TABLE mig_cause (label_id VARCHAR, field VARCHAR, cause VARCHAR)")
    if "relabel" in present and {"label_id", "policy"} <= columns(con, "relabel"):
        mig = "migration_id" if "migration_id" in columns(con, "relabel") else "NULL"
        con.execute(
            "CREATE TEMP TABLE policy AS SELECT label_id, "
            "arg_max(policy, CASE policy WHEN 'filter' THEN 3 WHEN 'relabel' THEN 2 "
            "WHEN 'review' THEN 1 ELSE 0 END) AS policy, "
            f"min({mig}) AS migration_id FROM relabel GROUP BY label_id"
        )
    else:
        con.execute(
            "CREATE TEMP TABLE policy (label_id VARCHAR, policy VARCHAR, migration_id VARCHAR)"
        )
    filtered = []
    if "mig_filtered" in present:
        cols = columns(con, "mig_filtered")
        found = next((c for c in ("migration_id", "cause", "migration") if c in cols), None)
        if "label_id" in cols and found:
            filtered.append(f'SELECT label_id, "{found}"::VARCHAR AS cause FROM mig_filtered')
    filtered.append(
        "SELECT label_id, migration_id AS cause FROM policy "
        "WHERE policy = 'filter' AND migration_id IS NOT NULL"
    )
    con.execute(
        "CREATE TEMP TABLE filter_cause AS SELECT label_id, min(cause) AS cause FROM ("
        + " UNION ALL ".join(filtered)
        + ") GROUP BY label_id"
    )
