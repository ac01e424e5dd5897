"""Deterministic file writing and hashing for bundles.

Parquet: pyarrow, the canonical schema, zstd level 3, dictionary encoding, statistics, row
groups of exactly :data:`ROW_GROUP` rows (whatever batch sizes DuckDB hands over), so the same
rows in the same order give the same bytes with the same pyarrow version. JSON: sorted keys,
two-space indent, a trailing newline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROW_GROUP = 131_072
WRITER_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_size": 1 << 20,
}
"""Fixed Parquet writer settings of every bundle table (written into the manifest)."""


def write_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any] | None,
    schema: pa.Schema,
    path: Path,
    *,
    increasing: str | None = None,
) -> int | None:
    """Write the rows of ``sql`` to ``path`` with ``schema``; returns the row count.

    With ``increasing`` (a key column), every key must be non-NULL and greater than the one
    before it (byte order, the order DuckDB's ``ORDER BY`` gives): the check runs on each batch
    as it is written, and at the first key out of order the write stops and None is returned
    (the file is then incomplete; the caller writes it again, sorted). Rows that pass are in
    exactly the order ``ORDER BY key`` would give, so the bytes are the same.
    """
    reader = con.sql(sql, params=params or None).to_arrow_reader(ROW_GROUP)
    rows = 0
    last: pa.Scalar | None = None
    with pq.ParquetWriter(path, schema, **WRITER_OPTIONS) as writer:
        for table in _regroup(reader, schema):
            if increasing is not None:
                keys = table.column(increasing).combine_chunks()
                if not _increasing(keys, last):
                    reader.close()
                    return None
                last = keys[-1]
            writer.write_table(table, row_group_size=ROW_GROUP)
            rows += table.num_rows
    # no rows: the file holds the schema and no row group (an empty row group of 0 rows makes
    # readers that size their batches by the first row group, such as `datasets`, fail)
    return rows


def _increasing(keys: pa.Array, last: pa.Scalar | None) -> bool:
    """Whether ``keys`` (not empty) are non-NULL, strictly increasing and above ``last``."""
    if keys.null_count:
        return False
    if last is not None and not pc.less(last, keys[0]).as_py():
        return False
    return len(keys) < 2 or bool(pc.all(pc.less(keys[:-1], keys[1:])).as_py())


def _regroup(reader: pa.RecordBatchReader, schema: pa.Schema) -> Iterator[pa.Table]:
    """Tables of exactly ROW_GROUP rows (the last one shorter), cast to ``schema``."""
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in reader:
        pending.append(batch)
        held += batch.num_rows
        while held >= ROW_GROUP:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, ROW_GROUP).cast(schema)
            rest = table.slice(ROW_GROUP)
            pending = rest.to_batches()
            held = rest.num_rows
    if held:
        yield pa.Table.from_batches(pending).cast(schema)


def copy_table(path: Path, out: Path, schema: pa.Schema | None = None) -> int:
    """Rewrite the Parquet file ``path`` to ``out`` with the fixed writer settings."""
    table = pq.read_table(path)
    if schema is not None:
        table = table.select(schema.names).cast(schema)
    with pq.ParquetWriter(out, table.schema, **WRITER_OPTIONS) as writer:
        if table.num_rows:
            writer.write_table(table, row_group_size=ROW_GROUP)
    return int(table.num_rows)


def write_json(path: Path, value: Any) -> None:
    """Key-sorted, indented JSON with a trailing newline."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    path.write_bytes(text + b"\n")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def parquet_rows(path: Path) -> int:
    """Row count from a Parquet footer."""
    return int(pq.ParquetFile(path).metadata.num_rows)
