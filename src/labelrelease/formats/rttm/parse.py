"""Lines of RTTM (Rich Transcription Time Marked) and UEM (scored regions) files.

RTTM: ``TYPE FILE CHNL TBEG TDUR ORTHO STYPE NAME CONF [SLAT]``, space separated, ``<NA>`` for
a field that does not apply, ``;;`` starting a comment. UEM: ``FILE CHNL TBEG TEND``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from labelrelease.errors import ConfigError

NA = "<NA>"
TYPES = frozenset(
    {
        "SEGMENT",
        "NOSCORE",
        "NO_RT_METADATA",
        "LEXEME",
        "NON-LEX",
        "NON-SPEECH",
        "FILLER",
        "EDIT",
        "IP",
        "CB",
        "A/P",
        "SU",
        "SPEAKER",
        "SPKR-INFO",
    }
)
"""Line types of the RTTM specification (NIST RT-09)."""


class LineProblem(Exception):
    """A line that cannot be taken: a reason code, the field, a message."""

    def __init__(self, reason_code: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Turn:
    """One SPEAKER line."""

    file: str
    channel: str
    start: float
    duration: float
    speaker: str
    ortho: str | None
    stype: str | None
    confidence: float | None
    slat: str | None


def fields_of(line: str) -> list[str] | None:
    """The fields of a line, or ``None`` for a blank or comment line."""
    text = line.strip()
    if not text or text.startswith(";;"):
        return None
    return text.split()


def parse_speaker(fields: list[str]) -> Turn:
    """A SPEAKER line's fields as a :class:`Turn`."""
    if len(fields) < 9:
        raise LineProblem(
            "missing_field",
            None,
            f"a SPEAKER line has 9 or 10 fields (TYPE FILE CHNL TBEG TDUR ORTHO STYPE NAME "
            f"CONF [SLAT]); this one has {len(fields)}",
        )
    start = _number(fields[3], "tbeg")
    duration = _number(fields[4], "tdur")
    if start < 0:
        raise LineProblem("bad_number", "tbeg", f"the turn starts at {fields[3]} s, before 0")
    if duration < 0:
        raise LineProblem(
            "inverted_span",
            "tdur",
            f"the turn lasts {fields[4]} s: it ends before it starts; fix the duration",
        )
    if fields[7] == NA:
        raise LineProblem("missing_field", "name", "the turn names no speaker (NAME is <NA>)")
    conf = None if fields[8] == NA else _number(fields[8], "conf")
    return Turn(
        file=fields[1],
        channel=fields[2],
        start=start,
        duration=duration,
        speaker=fields[7],
        ortho=_na(fields[5]),
        stype=_na(fields[6]),
        confidence=conf,
        slat=_na(fields[9]) if len(fields) > 9 else None,
    )


def _number(text: str, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        message = f"{field.upper()} {text!r} is not a number"
        raise LineProblem("bad_number", field, message) from None
    if not math.isfinite(value):
        raise LineProblem("bad_number", field, f"{field.upper()} {text!r} is not finite")
    return value


def _na(text: str) -> str | None:
    return None if text == NA else text


def read_uem(path: Path, display: str) -> dict[str, list[list[float]]]:
    """The scored regions of a UEM file, by file id, in file order."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("the UEM file does not exist; check option `uem`", path=display) from None
    except UnicodeDecodeError:
        raise ConfigError("the UEM file is not UTF-8 text", path=display) from None
    except OSError as e:
        raise ConfigError(f"the UEM file cannot be read ({e.strerror})", path=display) from None
    regions: dict[str, list[list[float]]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        fields = fields_of(line)
        if fields is None:
            continue
        try:
            if len(fields) != 4:
                raise ValueError
            start, end = float(fields[2]), float(fields[3])
            if not (math.isfinite(start) and math.isfinite(end)) or end < start or start < 0:
                raise ValueError
        except ValueError:
            raise ConfigError(
                f"line {number} is not `FILE CHANNEL START END` with 0 <= START <= END: "
                f"{line.strip()!r}; fix the UEM file",
                path=display,
            ) from None
        regions.setdefault(fields[0], []).append([start, end])
    return regions
