"""Collect canonical rows from importers in bounded batches.

Importers call :meth:`RecordSink.add` for every record they take and
:meth:`RecordSink.quarantine` for every record they cannot take. Rows are serialised to JSON
lines as they arrive and appended to part files through fixed buffers, so memory is bounded
by the write buffers, not by the input; DuckDB reads the parts back with the explicit column types
of the canonical schema when the tables are assembled. Parts are grouped per input file: a file
that turns out to be broken half-way is rolled back whole (:meth:`RecordSink.abort_file`) and
quarantined as one record.

Every row carries two hidden columns: ``_seq``, its arrival order (file, chunk, row), which
decides which of two rows with one ID is kept; and ``_source``, the source name.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from labelrelease.model.jsonutil import dumps
from labelrelease.model.schema import QUARANTINE

SEQ = "_seq"
SOURCE = "_source"

PART_QUARANTINE = QUARANTINE.remove(QUARANTINE.get_field_index("quarantine_id"))
"""Quarantine parts carry no ID yet: IDs are given when the tables are assembled."""

EXCERPT_CHARS = 300
WRITE_BUFFER = 1 << 20
"""Bytes buffered per part file: memory is bounded by this, not by the input."""
_CHUNK_BITS = 24
"""Rows per chunk fit in 24 bits of ``_seq``; chunks per file in the next 20; files above."""


class RecordSink:
    """Buffers canonical rows and quarantine records, and counts what came in."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.counts_in: Counter[str] = Counter()
        self.files_taken = 0
        self.source = ""
        self._file_in: Counter[str] = Counter()
        self._files: dict[str, BinaryIO] = {}
        self._file_index = -1
        self._chunk = 0
        self._row = 0

    # -- per file -----------------------------------------------------------------------------
    def begin_file(self, source: str) -> None:
        """Start collecting the records of one input file of source ``source``."""
        self._file_index += 1
        self._file_in = Counter()
        self.source = source
        self.start_chunk(0)
        self.file_dir.mkdir(parents=True, exist_ok=True)

    def open_chunk(self, file_index: int, chunk: int, source: str) -> None:
        """In a worker: write rows as chunk ``chunk`` of file ``file_index`` (whose folder
        the main process made)."""
        self._file_index = file_index
        self.source = source
        self._file_in = Counter()
        self.start_chunk(chunk)

    def start_chunk(self, index: int) -> None:
        """Number the rows that follow as chunk ``index`` of the current file."""
        self.flush()
        if index >= 1 << 20:
            raise ValueError("too many chunks in one file")
        self._chunk = index
        self._row = 0

    def commit_file(self) -> None:
        """Keep everything the current file produced."""
        self.flush()
        self.counts_in.update(self._file_in)
        self._file_in = Counter()

    def abort_file(self) -> None:
        """Drop everything the current file produced (it will be quarantined whole)."""
        self.flush()
        shutil.rmtree(self.file_dir, ignore_errors=True)
        self.file_dir.mkdir(parents=True)
        self._file_in = Counter()

    def take_file(self) -> None:
        """Count the current input file as one record of kind ``files``, taken."""
        self._file_in["files"] += 1
        self.files_taken += 1

    def merge_counts(self, counts: Counter[str]) -> None:
        """Add the records counted by a worker's sink for the current file."""
        self._file_in.update(counts)

    @property
    def file_counts(self) -> Counter[str]:
        """What the current file (or chunk, in a worker) has counted so far."""
        return self._file_in

    @property
    def file_index(self) -> int:
        return self._file_index

    @property
    def file_dir(self) -> Path:
        return self.workdir / f"file-{self._file_index:06d}"

    # -- records ------------------------------------------------------------------------------
    def add(self, table: str, row: dict[str, Any]) -> None:
        """Take one canonical row of ``table`` (counted as one record in)."""
        self._file_in[table] += 1
        self._append(table, row)

    def quarantine(
        self,
        record_kind: str,
        source_ref: str,
        reason_code: str,
        message: str,
        *,
        field: str | None = None,
        excerpt: Any = None,
    ) -> None:
        """Quarantine one input record (counted as one record in of ``record_kind``)."""
        self._file_in[record_kind] += 1
        row = {
            "record_kind": record_kind,
            "source": self.source,
            "source_ref": source_ref,
            "reason_code": reason_code,
            "field": field,
            "message": message,
            "excerpt": excerpt_text(excerpt),
        }
        self._append("quarantine", row)

    def _append(self, table: str, row: dict[str, Any]) -> None:
        if self._row >= 1 << _CHUNK_BITS:
            raise ValueError("too many rows in one chunk")
        row[SEQ] = (((self._file_index << 20) | self._chunk) << _CHUNK_BITS) | self._row
        row[SOURCE] = self.source
        self._row += 1
        out = self._files.get(table)
        if out is None:
            path = self.file_dir / f"{table}-{self._chunk:06d}.jsonl"
            out = self._files[table] = path.open("ab", buffering=WRITE_BUFFER)
        out.write(orjson.dumps(row))
        out.write(b"\n")

    # -- flushing -----------------------------------------------------------------------------
    def flush(self) -> None:
        """Write every buffered row to the part files and close them."""
        for out in self._files.values():
            out.close()
        self._files.clear()


def excerpt_text(value: Any) -> str | None:
    """A short text of an offending input value, for a quarantine row."""
    if value is None:
        return None
    if isinstance(value, bytes):
        text = value[:EXCERPT_CHARS].decode("utf-8", "backslashreplace")
    elif isinstance(value, str):
        text = value
    else:
        text = dumps(value)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
