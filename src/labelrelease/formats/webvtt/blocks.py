"""Stream the blank-line separated blocks of a subtitle file (WebVTT, SRT), with line numbers.

The file is read as text line by line (universal newlines: LF, CRLF and lone CR all end a
line), so memory is bounded by the longest block, not by the file. Bytes that are not valid in
the file's encoding are kept as lone surrogates (``surrogateescape``) so that only the block
holding them is refused, not the file.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from labelrelease.formats.base import FileRejected
from labelrelease.formats.timed import UTF16_BOMS, UTF32_BOMS

UNDECODED = re.compile("[\udc80-\udcff]")
PROGRESS_EVERY = 4096
"""Blocks between two progress reports."""


@dataclass(frozen=True)
class Block:
    """Consecutive non-blank lines, and the 1-based number of the first."""

    line: int
    lines: list[str]
    size: int
    """Characters the block took in the file, with its line ends (for progress)."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def undecodable(self) -> bool:
        """Whether a line holds bytes that were not valid in the file's encoding."""
        return any(UNDECODED.search(line) for line in self.lines)


def encoding_of(path: Path, head: bytes, *, utf16_ok: bool, what: str) -> str:
    """The codec to read ``path`` with: UTF-8 (a BOM is skipped) or, where ``utf16_ok``,
    UTF-16 with a BOM; anything else is refused as a whole file."""
    if head.startswith(UTF32_BOMS):
        raise FileRejected(
            "bad_encoding",
            f"the file is UTF-32 encoded; {what} files are UTF-8: convert it "
            "(e.g. `iconv -f UTF-32 -t UTF-8`) and pull again",
            head[:40],
        )
    if head.startswith(UTF16_BOMS):
        if utf16_ok:
            return "utf-16"
        raise FileRejected(
            "bad_encoding",
            f"the file is UTF-16 encoded; {what} files must be UTF-8: convert it "
            "(e.g. `iconv -f UTF-16 -t UTF-8`) and pull again",
            head[:40],
        )
    return "utf-8-sig"


def iter_blocks(path: Path, encoding: str) -> Iterator[Block]:
    """Yield the file's blocks in order. Lines are stripped of their line end only."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise FileRejected("bad_encoding", f"unknown encoding {encoding!r}") from None
    with path.open(encoding=encoding, errors="surrogateescape", newline=None) as f:
        lines: list[str] = []
        start = size = 0
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.strip():
                if not lines:
                    start = number
                lines.append(line)
                size += len(raw)
            elif lines:
                yield Block(start, lines, size + len(raw))
                lines, size = [], 0
        if lines:
            yield Block(start, lines, size)
