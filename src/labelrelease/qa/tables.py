"""Opening the canonical tables for QA: one DuckDB connection, one view per table."""

from __future__ import annotations

from pathlib import Path

import duckdb

from labelrelease.errors import QAError
from labelrelease.model import duck
from labelrelease.model.sql import ident

QA_TABLES = ("items", "assets", "annotations", "labels", "links")
REVIEW_TABLES = ("annotations", "labels", "links")
"""Tables a review folder (``labelrelease qa import``) adds passes to."""


def connect(
    work: Path, memory_limit: str, threads: int, temp_directory: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection whose tables spill to ``temp_directory`` (default: a
    folder in ``work``) beyond ``memory_limit``. QA's working tables are dropped with the
    connection; keeping them in memory spares the compression and checkpoint of a database
    file (about a fifth of the stage's CPU time)."""
    return duck.connect(
        None,
        memory_limit=memory_limit,
        threads=threads,
        temp_directory=temp_directory or work / "duckdb-tmp",
        preserve_insertion_order=False,
    )


def open_tables(con: duckdb.DuckDBPyConnection, folder: Path, reviews: Path | None = None) -> None:
    """Views ``items``, ``assets``, ``annotations``, ``labels``, ``links`` over ``folder``;
    the passes of a review folder, when given and present, are added to the last three."""
    if not folder.is_dir():
        raise QAError(
            f"{folder}: no canonical tables here; run `labelrelease pull` (and migrate) first, "
            "or point `qa.in` in params.yaml at the folder that holds them"
        )
    for table in QA_TABLES:
        path = folder / f"{table}.parquet"
        if not path.is_file():
            raise QAError(f"{path}: missing; {folder} must hold the five canonical tables")
        parts = [path]
        review = reviews / f"{table}.parquet" if reviews else None
        if review is not None and table in REVIEW_TABLES and review.is_file():
            parts.append(review)
        # File names are bound as a list parameter of read_parquet; DuckDB cannot bind them
        # in a view, so the table is materialised as a view over a prepared relation.
        rel = con.read_parquet([str(p) for p in parts], union_by_name=True)
        rel.create_view(table, replace=True)


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of a table or view of the canonical model (or of QA's own tables)."""
    row = con.execute(f"SELECT count(*) FROM {qa_ident(table)}").fetchone()
    return int(row[0]) if row else 0


QA_NAMES = frozenset(
    {
        "facts",
        "sample",
        "changed",
        "pairs",
        "cand",
        "matches",
        "objects",
        "link_cmp",
        "invalid",
        "gold_ref",
        "units",
        "link_units",
    }
)


def qa_ident(name: str) -> str:
    """A quoted identifier: a canonical name, or one of QA's own working tables."""
    if name in QA_NAMES:
        return '"' + name + '"'
    return ident(name)
