"""The doccano importer: JSONL exports and import files of every doccano project type."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import orjson

from labelrelease.formats.base import FileRejected, ImportContext, Importer, SourceFile
from labelrelease.formats.common import utf16_bom
from labelrelease.formats.doccano.record import RecordReader
from labelrelease.formats.registry import register

_KEYS = re.compile(rb'"(label|labels|entities|cats|relations|bbox)"\s*:')
_BODY = re.compile(rb'"(text|filename)"\s*:')


@register
class DoccanoImporter(Importer):
    """doccano JSONL (sequence labelling, relations, classification, images, speech)."""

    name: ClassVar[str] = "doccano"
    summary: ClassVar[str] = "doccano JSONL export or import file (one record per line)"
    option_names: ClassVar[tuple[str, ...]] = (
        "text_key",
        "label_key",
        "task",
        "pass",
        "guideline_version",
    )

    @classmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """A ``.jsonl`` file that starts with an object, or a file whose first line is one
        JSON object with doccano's keys."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"{"):
            return False
        if path.suffix.lower() == ".jsonl":
            return True
        first = text.split(b"\n", 1)[0]
        try:
            orjson.loads(first)
        except orjson.JSONDecodeError:
            return False
        return _KEYS.search(first) is not None and _BODY.search(first) is not None

    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Import line by line: a line that is not JSON (or not UTF-8) is quarantined alone."""
        reader = RecordReader(src, ctx.sink)
        with src.path.open("rb") as f:
            if utf16_bom(f.read(4)):
                raise FileRejected(
                    "bad_encoding",
                    "the file is UTF-16/32 encoded; doccano writes UTF-8: convert it and pull "
                    "again",
                )
            f.seek(0)
            for number, raw in enumerate(f, start=1):
                ctx.progress(len(raw))
                line = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
                if not line.strip():
                    continue
                self._line(reader, line, number)

    @staticmethod
    def _line(reader: RecordReader, line: bytes, number: int) -> None:
        ref = reader.src.ref(f":{number}")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as e:
            reader.sink.quarantine(
                "items",
                ref,
                "bad_encoding",
                f"line {number} is not valid "
                f"UTF-8 ({e.reason} at byte {e.start}); convert the file to "
                "UTF-8",
                excerpt=line,
            )
            return
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            reader.sink.quarantine(
                "items",
                ref,
                "invalid_json",
                f"line {number} is not a JSON "
                f"object ({e.msg} at column {e.colno}); JSONL needs one "
                "complete record per line",
                excerpt=line,
            )
            return
        reader.read(record, number)
