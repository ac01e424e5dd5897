"""One subtitle cue: its identifier, timing, settings, and its text with the markup stripped.

Timestamps are ``[hh:]mm:ss.ttt``, read with the grammar of webvtt-py's ``Timestamp`` (fields
shorter than the standard accepted, the fraction padded on the right, minutes and seconds
below 60) by one regular expression: calling webvtt-py for it was the largest single cost of an
import (two calls per cue). SRT's comma before the milliseconds is read as a point.

Markup is stripped here: WebVTT cue tags (``<v Name>``, ``<c.class>``, ``<b>``, ``<i>``,
``<u>``, ``<ruby>``, ``<lang>``, inline timestamps) and, in SRT, HTML-like tags and
``{\\an8}``-style override codes; character references (``&amp;``) are decoded.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

_STAMP = re.compile(r"(?:(\d{1,10}):)?([0-5]?\d):([0-5]?\d)[.,](\d{1,3})")
_FULL = r"(?:(\d{1,10}):)?([0-5]?\d):([0-5]?\d)%s(\d{3})"
_FAST = {
    srt: re.compile(rf"^\s*{_FULL % sep}[ \t]+-->[ \t]+{_FULL % sep}(?:[ \t]+(.*?))?\s*$")
    for srt, sep in ((False, r"\."), (True, "[.,]"))
}
"""A well-formed timing line in one match (most are); anything else takes the slow path,
which says what is wrong."""
TIMING = re.compile(r"^\s*(\S+?)\s*-->\s*(\S+)(?:[ \t]+(.*?))?\s*$")
_TAG = re.compile(r"<[^<>]*>")
_SRT_OVERRIDE = re.compile(r"\{\\[^{}]*\}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*?)\s*>")
_CLASS = re.compile(r"<(?:c|v|b|i|u|lang|ruby|rt)((?:\.[\w-]+)+)")


class CueProblem(Exception):
    """A cue that cannot be taken: a reason code, the field, a message."""

    def __init__(self, reason_code: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.field = field
        self.message = message


@dataclass
class Cue:
    """A parsed cue."""

    identifier: str | None
    start_ms: int
    end_ms: int
    settings: str | None
    raw: str
    text: str
    attributes: dict[str, Any] = field(default_factory=dict)


def split_timing(lines: list[str]) -> tuple[str | None, int]:
    """The cue identifier (the line before the timing line, if any) and the index of the
    timing line; a block with no timing line in its first two lines raises."""
    for i in (0, 1):
        if i < len(lines) and "-->" in lines[i]:
            return (lines[0].strip() if i == 1 else None), i
    raise CueProblem(
        "missing_timing",
        "timing",
        "the cue has no timing line (`start --> end`); add one, or join it to the cue "
        "before if a blank line split that cue in two",
    )


def parse_cue(lines: list[str], srt: bool) -> Cue:
    """Parse one cue block (identifier, timing line, payload)."""
    identifier, at = split_timing(lines)
    fast = _FAST[srt].match(lines[at])
    if fast is not None:
        g = fast.groups()
        start = ((int(g[0] or 0) * 60 + int(g[1])) * 60 + int(g[2])) * 1000 + int(g[3])
        end = ((int(g[4] or 0) * 60 + int(g[5])) * 60 + int(g[6])) * 1000 + int(g[7])
        if end >= start:
            return _payload(lines, at, srt, identifier, start, end, g[8])
    m = TIMING.match(lines[at])
    if m is None:
        raise CueProblem("bad_timestamp", "timing", f"unreadable timing line {lines[at]!r}")
    start = _ms(m.group(1), srt, "t_start")
    end = _ms(m.group(2), srt, "t_end")
    if end < start:
        raise CueProblem(
            "inverted_span",
            "t_end",
            f"the cue ends ({m.group(2)}) before it starts ({m.group(1)}); fix its timing",
        )
    return _payload(lines, at, srt, identifier, start, end, m.group(3))


def _payload(
    lines: list[str], at: int, srt: bool, identifier: str | None, start: int, end: int,
    settings: str | None,
) -> Cue:  # fmt: skip
    raw = "\n".join(lines[at + 1 :])
    text, attributes = plain_text(raw, srt)
    if not text.strip():
        raise CueProblem(
            "empty_cue",
            "text",
            "the cue has no text (once markup is stripped); remove it or give it text",
        )
    return Cue(identifier, start, end, settings or None, raw, text, attributes)


def _ms(value: str, srt: bool, field_name: str) -> int:
    m = _STAMP.fullmatch(value)
    if m is None or (not srt and "," in value):
        form = "hh:mm:ss,ttt" if srt else "[hh:]mm:ss.ttt"
        raise CueProblem("bad_timestamp", field_name, f"{value!r} is not a timestamp ({form})")
    h, mi, s, frac = m.groups()
    return ((int(h or 0) * 60 + int(mi)) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))


def plain_text(raw: str, srt: bool) -> tuple[str, dict[str, Any]]:
    """The text of a cue payload without markup, and what the markup said (voices, classes,
    and the raw payload when it differs)."""
    attributes: dict[str, Any] = {}
    text = raw
    if "<" in raw:
        voices = [v for v in _VOICE.findall(raw) if v]
        if voices:
            attributes["voice"] = voices[0]
            if len(set(voices)) > 1:
                attributes["voices"] = list(dict.fromkeys(voices))
        classes = [c for group in _CLASS.findall(raw) for c in group.split(".") if c]
        if classes:
            attributes["classes"] = list(dict.fromkeys(classes))
        text = _TAG.sub("", text)
    if srt and "{\\" in text:
        text = _SRT_OVERRIDE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if text != raw:
        attributes["raw"] = raw
    return text.strip(), attributes
