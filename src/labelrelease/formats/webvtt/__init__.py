"""The WebVTT importer: cues become ``text`` labels with their time span on the medium."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import ClassVar

from labelrelease.formats.base import ImportContext, Importer, SourceFile
from labelrelease.formats.registry import register
from labelrelease.formats.timed import COMMON_OPTIONS, timed_options
from labelrelease.formats.webvtt.blocks import encoding_of
from labelrelease.formats.webvtt.reader import SubtitleReader

_SIGNATURE = re.compile(rb"^WEBVTT(?:[ \t\r\n]|$)")


@register
class WebVTTImporter(Importer):
    """WebVTT subtitles and captions (``.vtt``)."""

    name: ClassVar[str] = "webvtt"
    summary: ClassVar[str] = "WebVTT captions/transcript: cues -> text labels with times"
    option_names: ClassVar[tuple[str, ...]] = (*COMMON_OPTIONS, "class")

    @classmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """A file whose first line is the ``WEBVTT`` signature (after a UTF-8 BOM)."""
        return _SIGNATURE.match(head.removeprefix(codecs.BOM_UTF8)) is not None

    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Stream the cues of ``src`` into the sink."""
        opts = timed_options(src, default_modality="video", default_class="transcript")
        with src.path.open("rb") as f:
            head = f.read(64)
        encoding = encoding_of(src.path, head, utf16_ok=False, what="WebVTT")
        SubtitleReader(src, ctx, opts, self.name, srt=False).read(encoding)
