"""Run an import: files → sink → assembled canonical tables, published atomically."""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from labelrelease.contract.model import Contract
from labelrelease.errors import OutputError
from labelrelease.formats.base import (
    FileRejected,
    ImportContext,
    Importer,
    Progress,
    SourceFile,
)
from labelrelease.model import duck
from labelrelease.model.assemble import Validator, assemble
from labelrelease.model.atomic import publish, staging
from labelrelease.model.jsonutil import dumps
from labelrelease.model.schema import RECORD_KINDS
from labelrelease.model.sink import RecordSink
from labelrelease.model.sql import ident
from labelrelease.pull.derive import derive_links

COUNTED_KINDS = ("files", *RECORD_KINDS)


@dataclass(frozen=True)
class PullInput:
    """One file to import and the importer that reads it."""

    file: SourceFile
    importer: type[Importer]


@dataclass(frozen=True)
class DuckDBSettings:
    """Resource limits for the assembly step."""

    memory_limit: str = "1GB"
    threads: int = 2
    temp_directory: str | None = None
    """Where DuckDB spills beyond ``memory_limit``; None: a folder inside the pull's staging
    folder (beside the output). Each pull spills into its own new subfolder of it."""


@dataclass
class PullResult:
    """What a pull took and quarantined, per record kind."""

    counts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        return sum(int(c["quarantined"]) for c in self.counts.values())


FileProgress = Callable[[str, int], Progress]
"""Given a file's display name and size in bytes, returns the callback that advances it; a
size of 0 is a step of unknown length, finished by one call of its callback."""


def _no_progress(_display: str, _size: int) -> Progress:
    return lambda _n: None


def pull(
    inputs: Sequence[PullInput],
    out: Path,
    *,
    batch_size: int = 50_000,
    validator: Validator | None = None,
    duckdb_settings: DuckDBSettings | None = None,
    progress: FileProgress = _no_progress,
    workers: int = 1,
    contract: Contract | None = None,
) -> PullResult:
    """Import ``inputs`` and publish ``out/{items,...,quarantine}.parquet`` and
    ``out/pull.json``; ``out`` is replaced whole, or left as it was if anything fails."""
    settings = duckdb_settings or DuckDBSettings()
    with staging(out, "pull") as work:
        sink = RecordSink(work / "parts")
        with _executor(workers) as executor:
            for item in inputs:
                size = _size(item.file.path)
                advance = progress(item.file.display, size)
                done = [0]

                def counted(n: int, advance: Progress = advance, done: list[int] = done) -> None:
                    done[0] += n
                    advance(n)

                _import_file(item, ImportContext(sink, counted, executor, workers))
                advance(max(0, size - done[0]))  # records do not count separators
        built = work / "out"
        built.mkdir()
        assembled = progress("assembling the tables", 0)
        spill = _spill_folder(work, settings)
        con = _connect(work, settings, spill)
        try:
            derived: dict[str, int] = {}

            def derive(c: duckdb.DuckDBPyConnection) -> None:
                if contract is not None:
                    derived.update(derive_links(c, contract))

            merged = assemble(
                con, work / "parts", built, validator, batch_rows=batch_size, derive=derive
            )
            result = PullResult(_counts(con, sink, merged, derived))
        finally:
            con.close()
            shutil.rmtree(spill, ignore_errors=True)
        assembled(0)
        (built / "pull.json").write_text(dumps_pretty(result.counts), encoding="utf-8")
        publish(built, out)
    return result


def _import_file(item: PullInput, ctx: ImportContext) -> None:
    sink = ctx.sink
    sink.begin_file(item.file.source)
    try:
        item.importer().read(item.file, ctx)
    except FileRejected as rejected:
        sink.abort_file()
        sink.quarantine(
            "files",
            item.file.ref(),
            rejected.reason_code,
            rejected.message,
            excerpt=rejected.excerpt,
        )
    else:
        sink.take_file()
    sink.commit_file()


def _counts(
    con: duckdb.DuckDBPyConnection,
    sink: RecordSink,
    merged: dict[str, int],
    derived: dict[str, int],
) -> dict[str, dict[str, Any]]:
    reasons: dict[str, dict[str, int]] = {k: {} for k in COUNTED_KINDS}
    rows = con.execute(
        "SELECT record_kind, reason_code, count(*) FROM quarantine GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    for kind, reason, n in rows:
        reasons.setdefault(kind, {})[reason] = n
    counts: dict[str, dict[str, Any]] = {}
    for kind in COUNTED_KINDS:
        if kind == "files":
            taken = sink.files_taken
        else:
            row = con.execute(f"SELECT count(*) FROM {ident(kind)}").fetchone()
            taken = (int(row[0]) if row else 0) + merged.get(kind, 0)
            if kind == "links":  # derived links were not imported: they are not `in`
                taken -= sum(derived.values())
        quarantined = sum(reasons.get(kind, {}).values())
        n_in = sink.counts_in[kind]
        if n_in != taken + quarantined:  # a bug, never a user error
            raise AssertionError(
                f"{kind}: {n_in} records in but {taken} taken + {quarantined} quarantined"
            )
        counts[kind] = {
            "in": n_in,
            "taken": taken,
            "quarantined": quarantined,
            "reasons": reasons.get(kind, {}),
        }
        if merged.get(kind):
            counts[kind]["joined"] = merged[kind]  # taken, folded into another source's row
        if kind == "links" and derived:
            counts[kind]["derived"] = derived  # made by contract rules, per rule
    return counts


def dumps_pretty(value: Any) -> str:
    """Indented, key-sorted JSON with a trailing newline (deterministic)."""
    import orjson

    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"


@contextmanager
def _executor(workers: int) -> Iterator[Executor | None]:
    """Worker processes for chunked importers; they start on first use. Workers are forked
    from a clean server process, never from this one (which holds DuckDB threads)."""
    if workers <= 1:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["labelrelease.formats.label_studio.chunks"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as executor:
        yield executor


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _spill_folder(work: Path, settings: DuckDBSettings) -> Path:
    if not settings.temp_directory:
        return work / "duckdb-tmp"
    base = Path(settings.temp_directory)
    try:
        base.mkdir(parents=True, exist_ok=True)
        # A subfolder of this pull's own: two pulls may share the setting.
        return Path(tempfile.mkdtemp(prefix="pull-", dir=base))
    except OSError as exc:
        raise OutputError(
            f"cannot use DuckDB's temp directory {base}: {exc.strerror or exc}; "
            "set `pull.duckdb_temp_directory` in params.yaml to a writable folder"
        ) from exc


def _connect(work: Path, settings: DuckDBSettings, spill: Path) -> duckdb.DuckDBPyConnection:
    # A database file, not memory: tables larger than memory_limit stay on disk.
    return duck.connect(
        work / "assemble.duckdb",
        memory_limit=settings.memory_limit,
        threads=settings.threads,
        temp_directory=spill,
        preserve_insertion_order=True,
    )


__all__ = ["COUNTED_KINDS", "DuckDBSettings", "PullInput", "PullResult", "dumps", "pull"]
