"""Collect canonical rows from importers in bounded batches.

Importers call :meth:`RecordSink.add` for every record they take and
:meth:`RecordSink.quarantine` for every record they cannot take. Rows are buffered per table and
flushed to temporary Parquet parts every ``batch_size`` rows, so memory is bounded by the batch
size, not by the input. Parts are grouped per input file: a file that turns out to be broken
half-way is rolled back whole (:meth:`RecordSink.abort_file`) and quarantined as one record.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from labelrelease.model.schema import QUARANTINE, SCHEMAS

SEQ = "_seq"
"""Hidden column: arrival order of a row, used to keep the first of duplicate IDs."""

SOURCE = "_source"
"""Hidden column: the source name a row came from (for quarantine rows made at assembly)."""

PART_QUARANTINE = QUARANTINE.remove(QUARANTINE.get_field_index("quarantine_id"))
"""Quarantine parts carry no ID yet: IDs are given when the tables are assembled."""

Validator = Callable[[str, pa.Table], tuple[pa.Table, list[dict[str, Any]]]]
"""Checks a batch of one table; returns the rows that pass and one quarantine dict per failure."""

EXCERPT_CHARS = 300


class RecordSink:
    """Buffers canonical rows and quarantine records, and counts what came in."""

    def __init__(self, workdir: Path, batch_size: int, validator: Validator | None = None) -> None:
        self.workdir = workdir
        self.batch_size = batch_size
        self.validator = validator
        self.counts_in: Counter[str] = Counter()
        self._file_in: Counter[str] = Counter()
        self._buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in SCHEMAS}
        self._seq = 0
        self._file_index = -1
        self._parts = 0
        self.files_taken = 0
        self.source = ""

    # -- per file -----------------------------------------------------------------------------
    def begin_file(self, source: str) -> None:
        """Start collecting the records of one input file of source ``source``."""
        self._file_index += 1
        self._file_in = Counter()
        self.source = source
        self.file_dir.mkdir(parents=True, exist_ok=True)

    def commit_file(self) -> None:
        """Keep everything the current file produced."""
        self._flush_all()
        self.counts_in.update(self._file_in)
        self._file_in = Counter()

    def abort_file(self) -> None:
        """Drop everything the current file produced (it will be quarantined whole)."""
        for rows in self._buffers.values():
            rows.clear()
        shutil.rmtree(self.file_dir, ignore_errors=True)
        self.file_dir.mkdir(parents=True)
        self._file_in = Counter()

    @property
    def file_dir(self) -> Path:
        return self.workdir / f"file-{self._file_index:06d}"

    # -- records ------------------------------------------------------------------------------
    def add(self, table: str, row: dict[str, Any]) -> None:
        """Take one canonical row of ``table`` (counted as one record in)."""
        self._file_in[table] += 1
        self._seq += 1
        row[SEQ] = self._seq
        row[SOURCE] = self.source
        buffer = self._buffers[table]
        buffer.append(row)
        if len(buffer) >= self.batch_size:
            self._flush(table)

    def quarantine(
        self,
        record_kind: str,
        source_ref: str,
        reason_code: str,
        message: str,
        *,
        field: str | None = None,
        excerpt: Any = None,
        counted: bool = True,
    ) -> None:
        """Quarantine one input record; ``counted`` records add one to that kind's ``in``."""
        if counted:
            self._file_in[record_kind] += 1
        self._seq += 1
        row = {
            "record_kind": record_kind,
            "source": self.source,
            "source_ref": source_ref,
            "reason_code": reason_code,
            "field": field,
            "message": message,
            "excerpt": _excerpt(excerpt),
            SOURCE: self.source,
            SEQ: self._seq,
        }
        buffer = self._buffers["quarantine"]
        buffer.append(row)
        if len(buffer) >= self.batch_size:
            self._flush("quarantine")

    def take_file(self) -> None:
        """Count the current input file as one record of kind ``files``, taken."""
        self._file_in["files"] += 1
        self.files_taken += 1

    # -- flushing -----------------------------------------------------------------------------
    def _flush_all(self) -> None:
        for table in SCHEMAS:
            self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self._buffers[table]
        if not rows:
            return
        schema = PART_QUARANTINE if table == "quarantine" else SCHEMAS[table]
        hidden = schema.append(pa.field(SOURCE, pa.string())).append(pa.field(SEQ, pa.int64()))
        batch = pa.Table.from_pylist(rows, schema=hidden)
        rows.clear()
        if self.validator is not None and table != "quarantine":
            batch, failures = self.validator(table, batch)
            for failure in failures:
                self.quarantine(
                    failure["record_kind"],
                    failure["source_ref"],
                    failure["reason_code"],
                    failure["message"],
                    field=failure.get("field"),
                    excerpt=failure.get("excerpt"),
                    counted=False,
                )
        if batch.num_rows:
            self._parts += 1
            path = self.file_dir / f"{table}-{self._parts:06d}.parquet"
            pq.write_table(batch, path, compression="lz4")
        if table != "quarantine" and self._buffers["quarantine"]:
            self._flush("quarantine")


def _excerpt(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        text = value[:EXCERPT_CHARS].decode("utf-8", "backslashreplace")
    elif isinstance(value, str):
        text = value
    else:
        from labelrelease.model.jsonutil import dumps

        text = dumps(value)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
