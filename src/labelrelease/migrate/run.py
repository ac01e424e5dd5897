"""The ``migrate`` stage: staged tables → migrated tables + changes + relabel queue, published
atomically (built in a sibling folder, then swapped in)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from labelrelease.errors import ConfigError, InputError, OutputError
from labelrelease.migrate.chain import Chain
from labelrelease.migrate.engine import StepCallback, apply_chain
from labelrelease.migrate.ops import SCOPE
from labelrelease.migrate.tables import CHANGES, DDL, FILTERED_LABELS, ORDER, RELABEL
from labelrelease.migrate.versions import start_positions
from labelrelease.model import duck
from labelrelease.model.atomic import publish, staging
from labelrelease.model.schema import SCHEMAS

MIGRATED = ("annotations", "labels", "links")
"""Tables a migration may change; the others are copied unchanged."""
COPIED = ("items", "assets", "quarantine")
BATCH_ROWS = 122_880


@dataclass(frozen=True)
class MigrateSettings:
    """DuckDB resources of the stage (params ``migrate:``)."""

    memory_limit: str = "1GB"
    threads: int = 2
    temp_directory: Path | None = None


def migrate(
    staged: Path,
    out: Path,
    chain: Chain,
    *,
    settings: MigrateSettings | None = None,
    on_migration: StepCallback | None = None,
) -> dict[str, Any]:
    """Migrate the tables of ``staged`` to the head of ``chain`` into ``out`` (replaced whole,
    or left as it was if anything fails); return the report (also ``out/migrate.json``)."""
    settings = settings or MigrateSettings()
    files = _inputs(staged)
    with staging(out, "migrate") as work:
        built = work / "out"
        built.mkdir()
        con = _connect(work, settings)
        try:
            report = _run(con, files, built, chain, on_migration)
        except duckdb.OutOfMemoryException as e:
            raise ConfigError(
                f"DuckDB ran out of memory at memory_limit {settings.memory_limit} "
                f"({str(e).splitlines()[0]}); raise duckdb_memory_limit (or lower "
                "duckdb_threads) in the `migrate:` section of params.yaml; nothing was written",
                key="migrate.duckdb_memory_limit",
            ) from None
        finally:
            con.close()
        for table in COPIED:
            shutil.copyfile(files[table], built / f"{table}.parquet")
        (built / "migrate.json").write_text(dumps_pretty(report), encoding="utf-8")
        publish(built, out)
    return report


def _run(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, Path],
    built: Path,
    chain: Chain,
    on_migration: StepCallback | None,
) -> dict[str, Any]:
    n = len(chain.migrations)
    versions = [
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT guideline_version FROM read_parquet($f) ORDER BY 1",
            {"f": str(files["annotations"])},
        ).fetchall()
    ]
    starts = start_positions(chain, versions)
    con.execute("CREATE TABLE _versions (version VARCHAR, start INTEGER)")
    if starts:
        con.executemany("INSERT INTO _versions VALUES (?, ?)", list(starts.items()))
    _load(con, files, n)
    counts_in = {t: _count(con, t) for t in MIGRATED}
    con.execute("BEGIN TRANSACTION")
    try:
        apply_chain(con, chain, on_migration)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    for table in MIGRATED:
        _write(con, table, SCHEMAS[table], built, SCHEMAS[table][0].name)
    _write(con, "changes", CHANGES, built, f'{ORDER}, "table", record_id, field, old, new')
    _write(con, "relabel", RELABEL, built, f"{ORDER}, label_id, reason")
    _write(con, "filtered_labels", FILTERED_LABELS, built, "label_id, migration_id")
    return _report(con, chain, starts, counts_in)


def _load(con: duckdb.DuckDBPyConnection, files: dict[str, Path], n: int) -> None:
    none = {"none": n + 1}
    con.execute(
        f"""CREATE TABLE annotations AS SELECT a.*, coalesce(v.start, $none) AS {SCOPE}
            FROM read_parquet($f) a LEFT JOIN _versions v ON a.guideline_version = v.version""",
        {**none, "f": str(files["annotations"])},
    )
    for table in ("labels", "links"):
        con.execute(
            f"""CREATE TABLE {table} AS SELECT t.*, coalesce(a.{SCOPE}, $none) AS {SCOPE}
                FROM read_parquet($f) t
                LEFT JOIN (SELECT annotation_id, {SCOPE} FROM annotations) a
                  ON t.annotation_id = a.annotation_id""",
            {**none, "f": str(files[table])},
        )
    con.execute(DDL)
    con.execute(
        f"""CREATE TABLE filtered_labels AS SELECT * EXCLUDE ({SCOPE}),
               NULL::VARCHAR AS migration_id, NULL::VARCHAR AS reason FROM labels LIMIT 0"""
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _report(
    con: duckdb.DuckDBPyConnection, chain: Chain, starts: dict[str, int], counts_in: dict[str, int]
) -> dict[str, Any]:
    changes = dict(con.execute("SELECT cause, count(*) FROM changes GROUP BY ALL").fetchall())
    queued: dict[str, dict[str, int]] = {}
    for mid, policy, count in con.execute(
        "SELECT migration_id, policy, count(*) FROM relabel GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        queued.setdefault(mid, {})[policy] = int(count)
    n = len(chain.migrations)
    migrated = con.execute(
        f"SELECT count(*) FILTER ({SCOPE} <= $n), count(*) FILTER ({SCOPE} > $n) FROM annotations",
        {"n": n},
    ).fetchone() or (0, 0)
    head = chain.head
    return {
        "head": head.id if head else None,
        "guideline_version": head.guideline_version if head else None,
        "chain": [
            {
                "id": m.id,
                "guideline_version": m.guideline_version,
                "checksum": m.checksum,
                "file": m.path.name,
                "fields": list(m.fields),
                "changes": int(changes.get(m.id, 0)),
                "relabel": queued.get(m.id, {}),
            }
            for m in chain.migrations
        ],
        "versions_in": {v: {"first_migration": s} for v, s in sorted(starts.items())},
        "annotations": {"migrated": int(migrated[0]), "at_head": int(migrated[1])},
        "labels": {
            "in": counts_in["labels"],
            "out": _count(con, "labels"),
            "filtered": _count(con, "filtered_labels"),
        },
        "links": {"in": counts_in["links"], "out": _count(con, "links")},
        "changes": _count(con, "changes"),
        "relabel": _count(con, "relabel"),
    }


def _write(
    con: duckdb.DuckDBPyConnection, table: str, schema: pa.Schema, built: Path, order: str
) -> None:
    columns = ", ".join('"' + f.name + '"' for f in schema)
    reader = con.sql(f"SELECT {columns} FROM {table} ORDER BY {order}").to_arrow_reader(BATCH_ROWS)
    with pq.ParquetWriter(built / f"{table}.parquet", schema, compression="zstd") as writer:
        wrote = False
        for batch in reader:
            writer.write_table(pa.Table.from_batches([batch]).cast(schema))
            wrote = True
        if not wrote:
            writer.write_table(schema.empty_table())


def _inputs(staged: Path) -> dict[str, Path]:
    files = {t: staged / f"{t}.parquet" for t in (*MIGRATED, *COPIED)}
    missing = [p.name for p in files.values() if not p.is_file()]
    if missing:
        raise InputError(
            f"missing {', '.join(missing)}; run `labelrelease pull` (or `dvc repro pull`) first",
            path=str(staged),
        )
    return files


def _connect(work: Path, settings: MigrateSettings) -> duckdb.DuckDBPyConnection:
    temp = settings.temp_directory or work / "duckdb-tmp"
    try:
        temp.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the DuckDB temp directory {temp}: {e.strerror}") from None
    return duck.connect(
        work / "migrate.duckdb",
        memory_limit=settings.memory_limit,
        threads=settings.threads,
        temp_directory=temp,
        preserve_insertion_order=False,
    )


def dumps_pretty(value: Any) -> str:
    """Indented, key-sorted JSON with a trailing newline (deterministic)."""
    import orjson

    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"
