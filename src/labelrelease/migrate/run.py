"""Run ``migrate``: staged tables → the chain of migrations in one DuckDB transaction →
migrated tables, ``changes``, ``relabel`` and ``filtered_labels``, published atomically.

Every label is migrated from the guideline version of its own annotation: a label made under
version V gets only the migrations after the one that produced V (hidden column ``_mstart``).
Items, assets and quarantine are never changed by a migration; they are copied byte for byte.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from labelrelease.contract.model import Contract
from labelrelease.errors import InputError, MigrationError, OutputError
from labelrelease.migrate.chain import Chain, load_chain
from labelrelease.migrate.engine import apply_chain
from labelrelease.migrate.releases import applied_migrations, verify_checksums
from labelrelease.migrate.spec import Migration
from labelrelease.migrate.tables import CHANGES, DDL, FILTERED_LABELS, ORDER, RELABEL
from labelrelease.migrate.validate import validate_chain
from labelrelease.migrate.versions import start_positions
from labelrelease.model.schema import ANNOTATIONS, LABELS, LINKS
from labelrelease.pull.run import DuckDBSettings

ROW_GROUP_ROWS = 122_880
"""Rows per Parquet row group (fixed, like pull's, for byte-identical output)."""

CHANGED = {"annotations": ANNOTATIONS, "labels": LABELS, "links": LINKS}
"""Tables a migration may change; loaded into DuckDB with the hidden column ``_mstart``."""
COPIED = ("items", "assets", "quarantine")
"""Tables no migration changes: copied unchanged."""


@dataclass
class MigrateResult:
    """What a run did: the chain and, per migration, how many rows it changed or queued."""

    chain: Chain
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    annotations_migrated: int = 0
    totals: dict[str, int] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        """``migrate.json``: the chain in order (with checksums) and the counts."""
        return {
            "head": self.chain.head.id if self.chain.head else None,
            "guideline_version": (self.chain.head.guideline_version if self.chain.head else None),
            "chain": [
                {
                    "id": m.id,
                    "guideline_version": m.guideline_version,
                    "checksum": "sha256:" + m.checksum,
                    "file": m.path.name,
                    "fields": list(m.fields),
                    "message": m.message,
                    **self.counts.get(m.id, {"changes": 0, "review": 0, "relabel": 0, "filter": 0}),
                }
                for m in self.chain.migrations
            ],
            "annotations_migrated": self.annotations_migrated,
            "totals": self.totals,
        }


def migrate(
    staged: Path,
    out: Path,
    migrations: Path,
    contract: Contract,
    *,
    releases: Path | None = None,
    settings: DuckDBSettings | None = None,
    on_migration: Callable[[Migration], None] | None = None,
) -> MigrateResult:
    """Apply the chain in ``migrations`` to the tables in ``staged``; write ``out``."""
    chain = load_chain(migrations)
    validate_chain(chain, contract)
    if releases is not None:
        verify_checksums(chain, applied_migrations(releases))
    _require_inputs(staged)
    settings = settings or DuckDBSettings()
    result = MigrateResult(chain)
    with _staging(out) as work:
        built = work / out.name
        built.mkdir()
        con = _connect(work, settings)
        try:
            _load(con, staged, chain)
            con.execute("BEGIN TRANSACTION")
            try:
                apply_chain(con, chain, on_migration)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            _count(con, result)
            for table in COPIED:
                shutil.copyfile(staged / f"{table}.parquet", built / f"{table}.parquet")
            for table, schema in CHANGED.items():
                _write(
                    con,
                    f"SELECT * EXCLUDE (_mstart) FROM {table}",
                    schema,
                    built / f"{table}.parquet",
                    schema[0].name,
                )
            _write(
                con,
                "SELECT * EXCLUDE (_pos, _op) FROM changes",
                CHANGES,
                built / "changes.parquet",
                f"{ORDER}, record_id, field",
            )
            _write(
                con,
                "SELECT * EXCLUDE (_pos, _op) FROM relabel",
                RELABEL,
                built / "relabel.parquet",
                f"{ORDER}, label_id",
            )
            _write(
                con,
                "SELECT * FROM filtered_labels",
                FILTERED_LABELS,
                built / "filtered_labels.parquet",
                "label_id",
            )
        except duckdb.Error as e:
            raise MigrationError(f"DuckDB failed while migrating: {e}", str(staged)) from None
        finally:
            con.close()
            spill = work / "spill"
            if spill.exists():
                shutil.rmtree(spill.read_text(encoding="utf-8"), ignore_errors=True)
        (built / "migrate.json").write_text(dumps_pretty(result.report()), encoding="utf-8")
        _publish(built, out)
    return result


def dumps_pretty(value: Any) -> str:
    """Stable, readable JSON (sorted keys, two-space indent, final newline)."""
    import json

    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _require_inputs(staged: Path) -> None:
    missing = [t for t in (*COPIED, *CHANGED) if not (staged / f"{t}.parquet").is_file()]
    if missing:
        raise InputError(
            f"{staged} lacks {', '.join(m + '.parquet' for m in missing)}; run "
            "`labelrelease pull` (or `dvc repro pull`) first, or give --in the folder pull wrote"
        )


def _load(con: duckdb.DuckDBPyConnection, staged: Path, chain: Chain) -> None:
    ann = str(staged / "annotations.parquet")
    versions = [
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT guideline_version FROM read_parquet($p) ORDER BY 1", {"p": ann}
        ).fetchall()
    ]
    starts = start_positions(chain, versions)
    con.execute("CREATE TEMP TABLE _starts (version VARCHAR, start INTEGER)")
    if starts:
        con.executemany("INSERT INTO _starts VALUES (?, ?)", list(starts.items()))
    con.execute(
        """CREATE TABLE annotations AS SELECT a.*, s.start AS _mstart
           FROM read_parquet($p) a JOIN _starts s ON a.guideline_version = s.version""",
        {"p": ann},
    )
    beyond = len(chain.migrations) + 1
    for table in ("labels", "links"):
        con.execute(
            f"""CREATE TABLE {table} AS SELECT t.*, coalesce(a._mstart, $b) AS _mstart
                FROM read_parquet($p) t
                LEFT JOIN (SELECT annotation_id, _mstart FROM annotations) a
                USING (annotation_id)""",
            {"p": str(staged / f"{table}.parquet"), "b": beyond},
        )
    con.execute(DDL)
    con.execute(
        """CREATE TABLE filtered_labels AS SELECT * EXCLUDE (_mstart),
               NULL::VARCHAR AS migration_id, NULL::VARCHAR AS reason FROM labels LIMIT 0"""
    )


def _count(con: duckdb.DuckDBPyConnection, result: MigrateResult) -> None:
    for cause, n in con.execute(
        "SELECT cause, count(*) FROM changes GROUP BY cause ORDER BY cause"
    ).fetchall():
        result.counts.setdefault(cause, _zero())["changes"] = int(n)
    for mid, policy, n in con.execute(
        """SELECT migration_id, policy, count(DISTINCT label_id) FROM relabel
           GROUP BY ALL ORDER BY ALL"""
    ).fetchall():
        result.counts.setdefault(mid, _zero())[policy] = int(n)
    head = len(result.chain.migrations)
    rows = con.execute(
        "SELECT count(*) FILTER (WHERE _mstart <= $n) FROM annotations", {"n": head}
    ).fetchall()
    result.annotations_migrated = int(rows[0][0])
    totals = con.execute(
        """SELECT (SELECT count(*) FROM changes), (SELECT count(*) FROM relabel),
                  (SELECT count(*) FROM filtered_labels), (SELECT count(*) FROM labels)"""
    ).fetchall()[0]
    result.totals = dict(
        zip(("changes", "relabel", "filtered", "labels"), map(int, totals), strict=True)
    )


def _zero() -> dict[str, int]:
    return {"changes": 0, "review": 0, "relabel": 0, "filter": 0}


def _write(
    con: duckdb.DuckDBPyConnection, select: str, schema: pa.Schema, path: Path, order: str
) -> None:
    reader = con.sql(f"{select} ORDER BY {order}").to_arrow_reader(ROW_GROUP_ROWS)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        wrote = False
        for batch in reader:
            table = pa.Table.from_batches([batch]).select(schema.names)
            writer.write_table(table.cast(schema), row_group_size=ROW_GROUP_ROWS)
            wrote = True
        if not wrote:
            writer.write_table(schema.empty_table())


def _connect(work: Path, settings: DuckDBSettings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(work / "migrate.duckdb"), config={"threads": settings.threads})
    con.execute("SET memory_limit = ?", [settings.memory_limit])
    temp = work / "tmp"
    if settings.temp_directory:
        base = Path(settings.temp_directory)
        try:
            base.mkdir(parents=True, exist_ok=True)
            temp = Path(tempfile.mkdtemp(prefix="migrate-", dir=base))
        except OSError as e:
            raise OutputError(
                f"cannot use the DuckDB temp directory {base}: {e.strerror}; set "
                "`migrate.duckdb_temp_directory` in params.yaml to a writable folder"
            ) from None
        (work / "spill").write_text(str(temp), encoding="utf-8")
    con.execute("SET temp_directory = ?", [str(temp)])
    con.execute("SET preserve_insertion_order = true")
    return con


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.migrate-", dir=out.parent))
    except OSError as e:
        raise OutputError(f"cannot create a work folder in {out.parent}: {e.strerror}") from None
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _publish(built: Path, out: Path) -> None:
    """Swap ``built`` in as ``out``: readers see the old folder or the new one, never a mix."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(built, out)
    shutil.rmtree(old, ignore_errors=True)
