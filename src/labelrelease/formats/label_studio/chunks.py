"""Convert chunks of tasks, in this process or in worker processes.

A chunk is a run of consecutive top-level records. Its rows are numbered by its position in the
file, not by the process that converts it, so the output is the same whether one process or
several did the work.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from labelrelease.formats.base import SourceFile
from labelrelease.formats.label_studio.config import LabelConfig, load_config
from labelrelease.formats.label_studio.stream import Record
from labelrelease.formats.label_studio.task import TaskReader
from labelrelease.model.sink import RecordSink


@dataclass(frozen=True)
class ChunkJob:
    """Everything a worker needs to convert one chunk."""

    src: SourceFile
    workdir: Path
    file_index: int
    chunk_index: int
    records: list[Record]


def convert(reader: TaskReader, records: list[Record]) -> None:
    """Import ``records`` with ``reader``; JSON text is parsed here."""
    for pointer, record in records:
        value: Any = record
        if isinstance(record, str):
            try:
                value = orjson.loads(record)
            except orjson.JSONDecodeError as e:
                reader.sink.quarantine(
                    "items",
                    reader.src.ref(pointer),
                    "invalid_json",
                    f"the record is not valid JSON: {e}",
                    excerpt=record,
                )
                continue
        reader.read(value, pointer)


def convert_job(job: ChunkJob) -> Counter[str]:
    """Worker entry point: convert one chunk into its part files; return what it counted."""
    sink = RecordSink(job.workdir)
    sink.open_chunk(job.file_index, job.chunk_index, job.src.source)
    convert(TaskReader(job.src, sink, config_of(job.src)), job.records)
    sink.flush()
    return sink.file_counts


def config_of(src: SourceFile) -> LabelConfig | None:
    """The labeling config named by a source's ``label_config`` option."""
    path = src.options.get("label_config")
    return _load(str(path)) if path else None


@lru_cache(maxsize=16)
def _load(path: str) -> LabelConfig:
    return load_config(Path(path), path)
