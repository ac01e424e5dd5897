"""Decode and parse a Praat TextGrid (short or long text format, UTF-8 or UTF-16 with a BOM).

Parsing is praatio's (:func:`praatio.utilities.textgrid_io.parseTextgridStr`). Two things are
done around it, because praatio does not: the encoding is decided from the BOM (Praat writes
UTF-8, or UTF-16 with a BOM, never anything else), and the tier and entry counts the file
declares are checked against what praatio returned. praatio stops reading a short-format tier
quietly where the file ends, so a truncated file would otherwise lose its tail unnoticed. The
declared counts come from a scan of the file's tokens, the way Praat itself reads text files:
everything except free-standing numbers, quoted texts and ``<flags>`` is a comment.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

from praatio.utilities import errors as praat_errors
from praatio.utilities import textgrid_io

from labelrelease.formats.base import FileRejected
from labelrelease.formats.timed import UTF16_BOMS, UTF32_BOMS

_TOKEN = re.compile(
    r'"(?:[^"]|"")*"|<[a-z]+>|(?<![^\s=])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?=\s|$)'
)
_SIGNATURE = re.compile(
    r'^\s*File type\s*=\s*"ooTextFile(?: short)?"\s*\n\s*Object class\s*=\s*"TextGrid"'
)


@dataclass(frozen=True)
class TextGrid:
    """A parsed TextGrid: praatio's dictionary and how the file was written."""

    xmin: float
    xmax: float
    tiers: list[dict[str, Any]]
    encoding: str
    text_format: str


def looks_like_textgrid(head: bytes) -> bool:
    """Whether a file head is a TextGrid in a text format (any of the encodings Praat uses)."""
    try:
        text = decode(head, partial=True)[0]
    except FileRejected:
        return False
    return _SIGNATURE.match(text) is not None


def decode(data: bytes, partial: bool = False) -> tuple[str, str]:
    """The text of a TextGrid file and the encoding it was in."""
    if data.startswith(UTF32_BOMS):
        raise FileRejected("bad_encoding", "the file is UTF-32; Praat writes UTF-8 or UTF-16")
    if data.startswith(UTF16_BOMS):
        encoding = "utf-16"
        if partial:
            data = data[: len(data) // 2 * 2]
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding, "replace" if partial else "strict"), encoding
    except UnicodeDecodeError as e:
        raise FileRejected(
            "bad_encoding",
            f"the file is not valid {encoding.upper()} ({e.reason} at byte {e.start}); open it "
            "in Praat and save it again (Praat writes UTF-8 or UTF-16)",
            data[max(0, e.start - 20) : e.start + 20],
        ) from None


def parse(data: bytes) -> TextGrid:
    """Parse a TextGrid file's bytes; a file that cannot be read whole is refused."""
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _SIGNATURE.match(text):
        raise FileRejected(
            "not_textgrid",
            'not a TextGrid in Praat\'s text format (no `File type = "ooTextFile"` / '
            '`Object class = "TextGrid"` header); binary TextGrids must be saved as text',
            text[:80],
        )
    declared, complete = declared_counts(text)
    try:
        grid = textgrid_io.parseTextgridStr(text + "\n", includeEmptyIntervals=True)
    except (praat_errors.PraatioException, ValueError, IndexError, AttributeError) as e:
        raise FileRejected(
            "invalid_textgrid",
            f"the TextGrid cannot be read ({e or type(e).__name__}); it is truncated or "
            "corrupt: save it again from Praat",
        ) from None
    found = [(t["class"], len(t["entries"])) for t in grid["tiers"]]
    if found != declared or not complete:
        raise FileRejected(
            "truncated",
            f"the file declares tiers with {_counts(declared)} entries but holds "
            f"{_counts(found)}; it is truncated or corrupt: save it again from Praat",
        )
    short = "ooTextFile short" in text or "item [" not in text
    return TextGrid(
        float(grid["xmin"]),
        float(grid["xmax"]),
        grid["tiers"],
        "utf-16" if encoding == "utf-16" else "utf-8",
        "short" if short else "long",
    )


def declared_counts(text: str) -> tuple[list[tuple[str, int]], bool]:
    """(tier class, entries) of every tier as the file declares them (``?`` and -1 where the
    file ends first), and whether the file holds everything it declares."""
    tokens = [m.group(0) for m in _TOKEN.finditer(text)]
    # "ooTextFile" "TextGrid" xmin xmax <exists> size, then per tier: class name xmin xmax n
    if len(tokens) < 6 or tokens[4] != "<exists>":
        return [], len(tokens) >= 5
    out, at = [], 6
    for _ in range(_int(tokens[5])):
        if at + 5 > len(tokens):
            out.append(("?", -1))
            continue
        tier_class = tokens[at].strip('"')
        n = _int(tokens[at + 4])
        at += 5 + n * (3 if tier_class == "IntervalTier" else 2)
        out.append((tier_class, n))
    return out, at <= len(tokens) and _int(tokens[5]) >= 0


def _int(token: str) -> int:
    try:
        return int(token)
    except ValueError:
        return -1


def _counts(tiers: list[tuple[str, int]]) -> str:
    return "[" + ", ".join("?" if n < 0 else str(n) for _, n in tiers) + "]"
