"""The SubRip (SRT) importer: cues become ``text`` labels with their time span on the medium.

SRT has no header and no declared encoding: files are read as UTF-8 (or UTF-16 with a BOM),
or in the codec named by the source option ``encoding`` (e.g. ``cp1252``).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import ClassVar

from labelrelease.errors import ConfigError
from labelrelease.formats.base import ImportContext, Importer, SourceFile
from labelrelease.formats.registry import register
from labelrelease.formats.timed import COMMON_OPTIONS, UTF16_BOMS, timed_options
from labelrelease.formats.webvtt.blocks import encoding_of
from labelrelease.formats.webvtt.reader import SubtitleReader

_STAMP = r"\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}"
_FIRST_CUE = re.compile(rf"^\s*\d+[ \t]*\r?\n[ \t]*{_STAMP}[ \t]*-->[ \t]*{_STAMP}")


@register
class SRTImporter(Importer):
    """SubRip subtitles (``.srt``)."""

    name: ClassVar[str] = "srt"
    summary: ClassVar[str] = "SubRip (SRT) subtitles: cues -> text labels with times"
    option_names: ClassVar[tuple[str, ...]] = (*COMMON_OPTIONS, "class", "encoding")

    @classmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """A file that starts with a cue number and an ``hh:mm:ss,ttt --> ...`` line."""
        if head.startswith(UTF16_BOMS):
            text = head[: len(head) // 2 * 2].decode("utf-16", "replace")
        else:
            text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")
        return _FIRST_CUE.match(text) is not None

    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Stream the cues of ``src`` into the sink."""
        opts = timed_options(src, default_modality="video", default_class="transcript")
        encoding = src.options.get("encoding")
        if encoding is not None:
            _check_codec(src, encoding)
        else:
            with src.path.open("rb") as f:
                head = f.read(64)
            encoding = encoding_of(src.path, head, utf16_ok=True, what="SRT")
        SubtitleReader(src, ctx, opts, self.name, srt=True).read(str(encoding))


def _check_codec(src: SourceFile, encoding: object) -> None:
    """A codec named by option ``encoding`` must exist (a mistake in sources.yaml, not in
    the file)."""
    try:
        codecs.lookup(str(encoding))
    except LookupError:
        raise ConfigError(
            f"source {src.source!r}: option `encoding` names no known codec ({encoding!r}); "
            "use a Python codec name such as cp1252, latin-1 or utf-16",
            key="options.encoding",
        ) from None
