"""The Label Studio importer: JSON export, JSON-MIN, import task lists, single task and
single annotation files."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, wait
from pathlib import Path
from typing import ClassVar

from labelrelease.formats.base import ImportContext, Importer, SourceFile
from labelrelease.formats.label_studio.chunks import ChunkJob, config_of, convert, convert_job
from labelrelease.formats.label_studio.stream import Record, first_char, iter_chunks
from labelrelease.formats.label_studio.task import TaskReader
from labelrelease.formats.registry import register

_MARKERS = re.compile(
    rb'"(annotations|predictions|completions|annotation_id|annotator|result|from_name|to_name)"'
)


CHUNK_RECORDS = 1_000
"""Tasks per chunk: the unit of work of one worker, and of row numbering."""

PARALLEL_MIN_BYTES = 8 << 20
"""Files smaller than this are converted in this process (workers cost a start-up)."""

_TASK_LIST = re.compile(rb'^(\xef\xbb\xbf)?\s*\[\s*\{\s*"data"\s*:\s*\{')
"""An import task list: ``[{"data": {...}}, ...]``, tasks not yet labelled."""


@register
class LabelStudioImporter(Importer):
    """Label Studio exports (JSON, JSON-MIN, task lists, a single task or annotation)."""

    name: ClassVar[str] = "label-studio"
    summary: ClassVar[str] = "Label Studio JSON / JSON-MIN export, task list or single task"
    option_names: ClassVar[tuple[str, ...]] = ("label_config", "pass", "guideline_version")

    @classmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """A JSON file whose head names Label Studio's task or result keys."""
        if first_char(head) not in ("[", "{"):
            return False
        found = {m.group(1) for m in _MARKERS.finditer(head)}
        return (
            bool(found & {b"result", b"from_name", b"to_name", b"predictions", b"completions"})
            or (b"annotations" in found and b'"data"' in head)
            or (b"annotation_id" in found and b"annotator" in found)
            or _TASK_LIST.match(head) is not None
        )

    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Stream the file's tasks into the sink, chunk by chunk (in parallel when the
        context has workers and the file is large)."""
        config = config_of(src)  # a bad config is an error before any work starts
        with src.path.open("rb") as f:
            head = f.read(65_536)
        chunks = iter_chunks(src.path, head, CHUNK_RECORDS)
        if ctx.executor is None or src.path.stat().st_size < PARALLEL_MIN_BYTES:
            reader = TaskReader(src, ctx.sink, config)
            for index, (records, n_bytes) in enumerate(chunks):
                ctx.sink.start_chunk(index)
                convert(reader, records)
                ctx.progress(n_bytes)
            return
        _parallel(src, ctx, ctx.executor, chunks)


def _parallel(
    src: SourceFile,
    ctx: ImportContext,
    executor: Executor,
    chunks: Iterator[tuple[list[Record], int]],
) -> None:
    """Convert chunks in worker processes, at most a few ahead of the slowest (bounded
    memory), merging their counts in file order."""
    sink = ctx.sink
    pending: deque[tuple[Future[Counter[str]], int]] = deque()

    def collect() -> None:
        future, n_bytes = pending.popleft()
        sink.merge_counts(future.result())
        ctx.progress(n_bytes)

    try:
        for index, (records, n_bytes) in enumerate(chunks):
            job = ChunkJob(src, sink.workdir, sink.file_index, index, records)
            pending.append((executor.submit(convert_job, job), n_bytes))
            while len(pending) > 2 * ctx.workers:
                collect()
        while pending:
            collect()
    except BaseException:
        for future, _ in pending:
            future.cancel()
        wait([future for future, _ in pending])  # nothing may write into a folder being dropped
        raise
