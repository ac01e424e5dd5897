"""The Label Studio importer: JSON export, JSON-MIN, import task lists, single task and
single annotation files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from labelrelease.formats.base import Importer, Progress, SourceFile
from labelrelease.formats.label_studio.config import LabelConfig, load_config
from labelrelease.formats.label_studio.stream import first_char, iter_records
from labelrelease.formats.label_studio.task import TaskReader
from labelrelease.formats.registry import register
from labelrelease.model.sink import RecordSink

_MARKERS = re.compile(
    rb'"(annotations|predictions|completions|annotation_id|annotator|result|from_name|to_name)"'
)


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

    def read(self, src: SourceFile, sink: RecordSink, progress: Progress) -> None:
        """Stream the file's tasks into ``sink``."""
        config = self._config(src)
        reader = TaskReader(src, sink, config)
        with src.path.open("rb") as f:
            head = f.read(65_536)
        for pointer, record, n_bytes in iter_records(src.path, head):
            reader.read(record, pointer)
            progress(n_bytes)

    @staticmethod
    def _config(src: SourceFile) -> LabelConfig | None:
        path = src.options.get("label_config")
        if not path:
            return None
        return load_config(Path(str(path)), str(path))
