"""Read a WebVTT or SRT file, block by block, into one recording's rows.

Every cue block is one ``labels`` record: taken as a ``text`` label on the recording's asset,
or quarantined with its reason. WebVTT's header, ``NOTE``, ``STYLE`` and ``REGION`` blocks are
kept in attributes: notes before the first cue and after the last on the item, notes between
cues on the cue that follows them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from labelrelease.formats.base import FileRejected, ImportContext, SourceFile
from labelrelease.formats.timed import Recording, TimedOptions, seconds
from labelrelease.formats.webvtt.blocks import PROGRESS_EVERY, UNDECODED, Block, iter_blocks
from labelrelease.formats.webvtt.cues import CueProblem, parse_cue
from labelrelease.model.jsonutil import attrs

CHUNK_BLOCKS = 1_000_000
"""Blocks per sink chunk (a chunk numbers at most 2**24 rows)."""

_SIGNATURE = re.compile(r"^WEBVTT(?:[ \t]|$)")
_NOTE = re.compile(r"^NOTE(?:[ \t]|$)")
_HEADER_FIELD = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")


class SubtitleReader:
    """Reads one subtitle file (``srt`` selects the SubRip dialect) into the sink."""

    def __init__(
        self, src: SourceFile, ctx: ImportContext, opts: TimedOptions, fmt: str, srt: bool
    ) -> None:
        self.src = src
        self.ctx = ctx
        self.srt = srt
        self.rec = Recording(
            src, ctx.sink, opts, fmt, src.display, opts.media_for(Path(src.display).stem)
        )
        self.notes: list[str] = []
        self.pending_notes: list[str] = []
        self.cues = 0

    def read(self, encoding: str) -> None:
        """Stream the file's blocks into rows."""
        blocks = iter_blocks(self.src.path, encoding)
        if not self.srt:
            self._header(next(blocks, None))
        done = 0
        for n, block in enumerate(blocks, 1):
            if n % CHUNK_BLOCKS == 0:
                self.ctx.sink.start_chunk(n // CHUNK_BLOCKS)
            self._block(block)
            done += block.size
            if n % PROGRESS_EVERY == 0:
                self.ctx.progress(done)
                done = 0
        self.ctx.progress(done)
        self.notes += self.pending_notes
        if self.notes:
            self.rec.item_attrs["notes"] = self.notes
        self.rec.item_attrs["cues"] = self.cues
        self.rec.finish(self.src.ref())

    # -- WebVTT header and non-cue blocks -------------------------------------------------------
    def _header(self, block: Block | None) -> None:
        first = block.lines[0] if block else ""
        if block is None or not _SIGNATURE.match(first):
            raise FileRejected(
                "missing_header",
                "a WebVTT file starts with the line `WEBVTT`; this one does not (is it SRT? "
                "then use format `srt`)",
                first[:80].encode("utf-8", "surrogateescape") or None,
            )
        if block.undecodable():
            raw = block.text.encode("utf-8", "surrogateescape")
            raise FileRejected("bad_encoding", _ENCODING_HINT, raw)
        header: dict[str, Any] = {"title": first[6:].strip() or None}
        for i, line in enumerate(block.lines[1:], 1):
            if "-->" in line:  # no blank line after the header: the rest is a cue
                self._block(Block(block.line + i, block.lines[i:], 0))
                break
            m = _HEADER_FIELD.match(line)
            if m:
                header.setdefault("metadata", {})[m.group(1)] = m.group(2)
            else:
                header.setdefault("header_lines", []).append(line)
        meta = header.get("metadata", {})
        language = meta.get("Language") or meta.get("language")
        if self.rec.language is None and isinstance(language, str) and language:
            self.rec.language = language
        self.rec.item_attrs["header"] = {k: v for k, v in header.items() if v is not None}

    def _block(self, block: Block) -> None:
        first = block.lines[0]
        if not self.srt and "-->" not in first:
            if _NOTE.match(first):
                note = "\n".join([first[4:].strip(), *block.lines[1:]]).strip()
                (self.pending_notes if self.cues else self.notes).append(note)
                return
            if self.cues == 0 and first.strip() in ("STYLE", "REGION"):
                key = "styles" if first.strip() == "STYLE" else "regions"
                self.rec.item_attrs.setdefault(key, []).append("\n".join(block.lines[1:]))
                return
        timing = [i for i, line in enumerate(block.lines) if "-->" in line]
        if len(timing) == 1 and timing[0] < 2:  # the common case: one cue
            self._cue(block.line, block.lines)
            return
        # A timing line after the first starts the next cue, even without a blank line
        # before it (as in the WebVTT parsing rules); so does a first one below line 2.
        cuts = [0, *(t for t in timing if t > 1 or (t == 1 and timing[0] != 1))]
        for a, b in zip(cuts, [*cuts[1:], len(block.lines)], strict=True):
            self._cue(block.line + a, block.lines[a:b])

    # -- cues ---------------------------------------------------------------------------------
    def _cue(self, line: int, lines: list[str]) -> None:
        self.cues += 1
        ref = self.src.ref(f"L{line}")
        text = "\n".join(lines)
        if UNDECODED.search(text):
            raw = text.encode("utf-8", "surrogateescape")  # the bytes as they were
            self.ctx.sink.quarantine("labels", ref, "bad_encoding", _ENCODING_HINT, excerpt=raw)
            return
        try:
            cue = parse_cue(lines, self.srt)
        except CueProblem as p:
            self.ctx.sink.quarantine(
                "labels", ref, p.reason_code, p.message, field=p.field, excerpt=text
            )
            return
        extra = cue.attributes
        if cue.identifier is not None:
            extra["identifier"] = cue.identifier
        if cue.settings is not None:
            extra["settings"] = _settings(cue.settings, self.srt)
        if self.pending_notes:
            extra["notes"], self.pending_notes = self.pending_notes, []
        label = self.rec.label(
            self.cues,
            ref,
            kind="text",
            **{"class": self.rec.opts.label_class},
            text=cue.text,
            t_start=seconds(cue.start_ms),
            t_end=seconds(cue.end_ms),
            attributes=attrs(extra),
        )
        self.ctx.sink.add("labels", label)


_ENCODING_HINT = (
    "the cue holds bytes that are not valid UTF-8; re-save the file as UTF-8 (for SRT, or "
    "give the source option `encoding`, e.g. cp1252)"
)


def _settings(text: str, srt: bool) -> dict[str, str] | str:
    """WebVTT cue settings as ``{name: value}`` (as written, in order); SRT's trailing
    coordinates (``X1:… Y2:…``) the same way; text that is not ``name:value`` pairs as is."""
    pairs = [part.split(":", 1) for part in text.split()]
    if all(len(p) == 2 and p[0] for p in pairs):
        return {p[0]: p[1] for p in pairs}
    return text
