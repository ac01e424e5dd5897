"""The RTTM importer: speaker turns become ``time_span`` labels whose class is the speaker.

One RTTM file may hold several recordings (its FILE column): each is one item with one audio
(or video) asset. ``SPKR-INFO`` lines are kept in the item's attributes (``speakers``); the
other line types of the specification (``LEXEME``, ``NON-SPEECH``, ...) are reported in
quarantine as ``unsupported_line_type``. The source option ``uem`` names a UEM file whose
scored regions go into each asset's attributes (``uem: [[start, end], ...]``).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any, ClassVar

from labelrelease.formats.base import FileRejected, ImportContext, Importer, SourceFile
from labelrelease.formats.registry import register
from labelrelease.formats.rttm.parse import (
    TYPES,
    LineProblem,
    Turn,
    fields_of,
    parse_speaker,
    read_uem,
)
from labelrelease.formats.timed import COMMON_OPTIONS, Recording, TimedOptions, timed_options
from labelrelease.formats.webvtt.blocks import UNDECODED, encoding_of
from labelrelease.model.jsonutil import attrs

_LINE = re.compile(
    rb"^(?:SPEAKER|SPKR-INFO|SEGMENT|LEXEME|NON-SPEECH|NON-LEX|NOSCORE)[ \t]+\S+[ \t]+\S+"
    rb"[ \t]+(?:[\d.]+|<NA>)[ \t]+(?:[\d.]+|<NA>)[ \t]"
)
PROGRESS_LINES = 8192
CHUNK_LINES = 1_000_000
"""Lines per sink chunk (a chunk numbers at most 2**24 rows)."""


@register
class RTTMImporter(Importer):
    """NIST RTTM speaker diarisation (``.rttm``), with an optional UEM."""

    name: ClassVar[str] = "rttm"
    summary: ClassVar[str] = "RTTM speaker turns -> time_span labels (class = speaker); + UEM"
    option_names: ClassVar[tuple[str, ...]] = (*COMMON_OPTIONS, "uem")

    @classmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """A file whose first non-comment lines are RTTM lines."""
        lines = [
            line
            for line in head.removeprefix(codecs.BOM_UTF8).splitlines()[:20]
            if line.strip() and not line.lstrip().startswith(b";;")
        ]
        complete = lines[:-1] if len(head) == 65_536 else lines
        return bool(complete) and all(_LINE.match(line.strip()) for line in complete[:5])

    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Stream the lines of ``src`` into the sink, one item per recording."""
        opts = timed_options(src, default_modality="audio")
        uem_option = src.options.get("uem")
        uem = read_uem(Path(str(uem_option)), str(uem_option)) if uem_option else None
        with src.path.open("rb") as f:
            head = f.read(64)
        if not head.strip():
            raise FileRejected("empty_file", "the file is empty; write the RTTM again")
        encoding = encoding_of(src.path, head, utf16_ok=False, what="RTTM")
        _Reader(src, ctx, opts, uem).read(encoding)


class _Reader:
    def __init__(
        self,
        src: SourceFile,
        ctx: ImportContext,
        opts: TimedOptions,
        uem: dict[str, list[list[float]]] | None,
    ) -> None:
        self.src = src
        self.ctx = ctx
        self.opts = opts
        self.uem = uem
        self.recordings: dict[str, Recording] = {}
        self.first_line: dict[str, int] = {}
        self.turns: dict[str, int] = {}

    def read(self, encoding: str) -> None:
        done = 0
        with self.src.path.open(encoding=encoding, errors="surrogateescape", newline=None) as f:
            for number, line in enumerate(f, 1):
                done += len(line)
                if number % CHUNK_LINES == 0:
                    self.ctx.sink.start_chunk(number // CHUNK_LINES)
                if number % PROGRESS_LINES == 0:
                    self.ctx.progress(done)
                    done = 0
                self._line(number, line)
        self.ctx.progress(done)
        for file_id, rec in self.recordings.items():
            rec.item_attrs["recording"] = file_id
            rec.item_attrs["turns"] = self.turns[file_id]
            if self.uem is not None:
                rec.asset_attrs["uem"] = self.uem.get(file_id)
                if file_id not in self.uem:
                    rec.asset_attrs["uem_missing"] = True
            rec.finish(self.src.ref(f"L{self.first_line[file_id]}"))

    def _line(self, number: int, line: str) -> None:
        fields = fields_of(line)
        if fields is None:
            return
        ref = self.src.ref(f"L{number}")
        sink = self.ctx.sink
        if UNDECODED.search(line):
            sink.quarantine(
                "labels",
                ref,
                "bad_encoding",
                "the line holds bytes that are not valid UTF-8; re-save the file as UTF-8",
                excerpt=line.encode("utf-8", "surrogateescape"),
            )
            return
        kind = fields[0]
        if kind == "SPKR-INFO" and len(fields) >= 8:
            speakers = self._recording(fields[1], number).item_attrs.setdefault("speakers", {})
            speakers[fields[7]] = {"type": fields[6] if fields[6] != "<NA>" else None}
            return
        if kind != "SPEAKER":
            known = kind in TYPES
            sink.quarantine(
                "labels",
                ref,
                "unsupported_line_type" if known else "unknown_line_type",
                f"{kind} lines are not imported (only SPEAKER turns and SPKR-INFO are)"
                if known
                else f"{kind!r} is not an RTTM line type; is this an RTTM file?",
                field="type",
                excerpt=line.strip(),
            )
            return
        try:
            turn = parse_speaker(fields)
        except LineProblem as p:
            sink.quarantine(
                "labels", ref, p.reason_code, p.message, field=p.field, excerpt=line.strip()
            )
            return
        self._turn(turn, number, ref)

    def _recording(self, file_id: str, number: int) -> Recording:
        rec = self.recordings.get(file_id)
        if rec is None:
            media = self.opts.media_for(Path(self.src.display).stem, file_id)
            rec = Recording(self.src, self.ctx.sink, self.opts, "rttm", file_id, media)
            self.recordings[file_id] = rec
            self.first_line[file_id] = number
            self.turns[file_id] = 0
        return rec

    def _turn(self, turn: Turn, number: int, ref: str) -> None:
        rec = self._recording(turn.file, number)
        self.turns[turn.file] += 1
        extra: dict[str, Any] = {
            "channel": turn.channel,
            "ortho": turn.ortho,
            "stype": turn.stype,
            "slat": turn.slat,
        }
        score = turn.confidence
        if score is not None and not 0 <= score <= 1:
            extra["confidence"], score = score, None
        label = rec.label(
            self.turns[turn.file],
            ref,
            kind="time_span",
            **{"class": turn.speaker},
            t_start=turn.start,
            t_end=round(turn.start + turn.duration, 6),
            score=score,
            attributes=attrs(extra),
        )
        self.ctx.sink.add("labels", label)
