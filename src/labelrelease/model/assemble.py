"""Assemble the canonical tables from the parts an import wrote, in DuckDB.

Assembly reads the JSON-lines parts with the explicit column types of the canonical schema,
folds rows that several bound sources give for one item or asset into one (``merge``), keeps
the first row of each ID and quarantines later duplicates, checks rows against the task
contract in bounded batches, quarantines rows whose references do not resolve (cascading: a
link to a quarantined label is quarantined too), and writes every table sorted by its key with
its explicit Arrow schema as zstd Parquet. The same parts always give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from labelrelease.model.merge import merge_shared
from labelrelease.model.schema import SCHEMAS, primary_key
from labelrelease.model.sink import PART_QUARANTINE, SEQ, SOURCE
from labelrelease.model.sql import ident, json_columns

Validator = Callable[[str, pa.Table], tuple[pa.Table, list[dict[str, Any]]]]
"""Checks a batch of one table; returns the rows that pass (same columns, same order) and one
quarantine record per row that does not, in row order."""

ROW_GROUP_ROWS = 122_880
"""Rows per Parquet row group of the canonical files (fixed, for byte-identical output)."""

# (table, column, referenced table, nullable, reason code) in dependency order.
REFERENCES: dict[str, list[tuple[str, str, bool, str]]] = {
    "items": [],
    "assets": [("item_id", "items", False, "dangling_item")],
    "annotations": [("item_id", "items", False, "dangling_item")],
    "labels": [
        ("annotation_id", "annotations", False, "dangling_annotation"),
        ("asset_id", "assets", True, "dangling_asset"),
    ],
    "links": [
        ("annotation_id", "annotations", False, "dangling_annotation"),
        ("from_label_id", "labels", False, "dangling_link"),
        ("to_label_id", "labels", False, "dangling_link"),
    ],
}

_QUARANTINE_COLUMNS = ", ".join(ident(c) for c in [*(f.name for f in PART_QUARANTINE), SOURCE, SEQ])


def assemble(
    con: duckdb.DuckDBPyConnection,
    parts_dir: Path,
    out_dir: Path,
    validator: Validator | None = None,
    *,
    batch_rows: int = 50_000,
    derive: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> dict[str, int]:
    """Build the canonical tables from ``parts_dir`` and write them into ``out_dir``; return
    per table how many rows were folded into a row another source shares (see ``merge``).

    ``derive`` runs on the checked tables before they are written (derived links)."""
    _load_quarantine(con, parts_dir)
    merged = {}
    for table in REFERENCES:
        _load(con, parts_dir, table)
        merged[table] = merge_shared(con, table)
        _drop_duplicates(con, table)
        if validator is not None:
            _validate(con, table, validator, parts_dir / f"invalid-{table}.jsonl", batch_rows)
        _drop_dangling(con, table)
    _link_origins(con)
    if derive is not None:
        derive(con)
    _number_quarantine(con)
    for table in SCHEMAS:
        _write(con, table, out_dir / f"{table}.parquet")
    return merged


def _parts(parts_dir: Path, table: str) -> list[str]:
    return sorted(str(p) for p in parts_dir.glob(f"file-*/{table}-*.jsonl"))


def _hidden(schema: pa.Schema) -> pa.Schema:
    return schema.append(pa.field(SOURCE, pa.string())).append(pa.field(SEQ, pa.int64()))


def _load(con: duckdb.DuckDBPyConnection, parts_dir: Path, table: str) -> None:
    _create(con, ident(table), _parts(parts_dir, table), SCHEMAS[table])


def _load_quarantine(con: duckdb.DuckDBPyConnection, parts_dir: Path) -> None:
    _create(con, ident("q"), _parts(parts_dir, "quarantine"), PART_QUARANTINE)


def _create(con: duckdb.DuckDBPyConnection, name: str, files: list[str], schema: pa.Schema) -> None:
    hidden = _hidden(schema)
    if not files:
        con.register("empty_part", hidden.empty_table())
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM empty_part")
        con.unregister("empty_part")
        return
    columns = ", ".join(ident(f.name) for f in hidden)
    con.execute(
        f"""CREATE OR REPLACE TABLE {name} AS SELECT {columns} FROM read_json(
            ?, format = 'newline_delimited', columns = ?, maximum_object_size = 16777216,
            timestampformat = 'iso')""",
        [files, json_columns(hidden)],
    )


def _validate(
    con: duckdb.DuckDBPyConnection, table: str, validator: Validator, spill: Path, batch_rows: int
) -> None:
    """Quarantine the rows of ``table`` that ``validator`` rejects, batch by batch."""
    t, seq = ident(table), ident(SEQ)
    # A plain scan, not sorted: failures are matched to rows by `_seq`, and sorting would hold
    # the whole table in DuckDB's memory.
    reader = con.sql(f"SELECT * FROM {t}").to_arrow_reader(batch_rows)
    bad = 0
    with spill.open("wb") as out:
        for batch in reader:
            rows = pa.Table.from_batches([batch])
            kept, failures = validator(table, rows)
            pa.default_memory_pool().release_unused()
            if not failures:
                continue
            rejected = pc.invert(pc.is_in(rows[SEQ], value_set=kept[SEQ]))
            seqs = rows[SEQ].filter(rejected).to_pylist()
            sources = rows[SOURCE].filter(rejected).to_pylist()
            for row_seq, source, failure in zip(seqs, sources, failures, strict=True):
                out.write(orjson.dumps({**failure, SEQ: row_seq, SOURCE: source}) + b"\n")
                bad += 1
    if not bad:
        return
    con.execute(
        "CREATE OR REPLACE TEMP TABLE bad AS SELECT * FROM read_json(?, format = "
        "'newline_delimited', columns = ?)",
        [str(spill), {**json_columns(_hidden(PART_QUARANTINE)), "source": "VARCHAR"}],
    )
    con.execute(
        f"""INSERT INTO q ({_QUARANTINE_COLUMNS})
        SELECT record_kind, {ident(SOURCE)}, source_ref, reason_code, field, message, excerpt,
               {ident(SOURCE)}, {seq} FROM bad"""
    )
    con.execute(f"DELETE FROM {t} WHERE {seq} IN (SELECT {seq} FROM bad)")


def _to_quarantine(
    con: duckdb.DuckDBPyConnection, table: str, where: str, reason: str, field: str, message: str
) -> None:
    """Move the rows of ``table`` matching ``where`` into quarantine with ``reason``; the
    message is ``message`` followed by the row's value of ``field``."""
    t, f, src, seq = ident(table), ident(field), ident(SOURCE), ident(SEQ)
    con.execute(
        f"""
        INSERT INTO q ({_QUARANTINE_COLUMNS})
        SELECT ?, {src}, source_ref, ?, ?, replace(?, '{{}}', CAST({f} AS VARCHAR)), NULL,
               {src}, {seq}
        FROM {t} WHERE {where}
        """,
        [table, reason, field, message],
    )
    con.execute(f"DELETE FROM {t} WHERE {where}")


def _drop_duplicates(con: duckdb.DuckDBPyConnection, table: str) -> None:
    key, t, seq = ident(primary_key(table)), ident(table), ident(SEQ)
    where = (
        f"{seq} IN (SELECT {seq} FROM (SELECT {seq}, row_number() OVER "
        f"(PARTITION BY {key} ORDER BY {seq}) AS rn FROM {t}) WHERE rn > 1)"
    )
    message = (
        f"{primary_key(table)} {{}} was already imported from an earlier record: the source "
        "holds the same record twice (two exports of one project under one source name?); "
        "give each export its own source name or remove the copy"
    )
    _to_quarantine(con, table, where, "duplicate_id", primary_key(table), message)


def _drop_dangling(con: duckdb.DuckDBPyConnection, table: str) -> None:
    for column, target, nullable, reason in REFERENCES[table]:
        col, tgt, tgt_key = ident(column), ident(target), ident(primary_key(target))
        where = f"{col} NOT IN (SELECT {tgt_key} FROM {tgt})"
        if nullable:
            where = f"{col} IS NOT NULL AND {where}"
        message = (
            f"{column} {{}} does not resolve: the {target[:-1]} it refers to is missing or "
            "was quarantined (see the quarantine rows of that record)"
        )
        _to_quarantine(con, table, where, reason, column, message)


def _link_origins(con: duckdb.DuckDBPyConnection) -> None:
    """A drawn link's origin is its pass's: ``model`` for a model pass, else ``human``."""
    con.execute(
        """UPDATE links SET origin = CASE WHEN a.origin = 'model' THEN 'model' ELSE 'human' END
        FROM annotations a WHERE links.annotation_id = a.annotation_id AND links.origin IS NULL"""
    )


def _number_quarantine(con: duckdb.DuckDBPyConnection) -> None:
    seq, src = ident(SEQ), ident(SOURCE)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE quarantine AS
        SELECT 'qr_' || left(md5(concat_ws(chr(31), record_kind, source_ref, reason_code,
                   coalesce(field, ''), CAST(row_number() OVER (
                       PARTITION BY record_kind, source_ref, reason_code, field
                       ORDER BY {seq}) AS VARCHAR))), 20) AS quarantine_id,
               * EXCLUDE ({seq}, {src})
        FROM q
        """
    )


def _write(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    schema = SCHEMAS[table]
    columns = ", ".join(ident(f.name) for f in schema)
    order = "source_ref, quarantine_id" if table == "quarantine" else ident(schema[0].name)
    query = f"SELECT {columns} FROM {ident(table)} ORDER BY {order}"
    reader = con.sql(query).to_arrow_reader(ROW_GROUP_ROWS)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        wrote = False
        for batch in reader:
            writer.write_table(pa.Table.from_batches([batch]).cast(schema))
            wrote = True
        if not wrote:
            writer.write_table(schema.empty_table())
