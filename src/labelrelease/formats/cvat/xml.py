"""Stream a CVAT XML file safely: defusedxml refuses entity declarations (the "billion laughs"
bomb) and external entities instead of expanding them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from labelrelease.formats.base import FileRejected
from labelrelease.formats.common import utf16_bom


def iter_elements(path: Path) -> Iterator[tuple[str, Element, int]]:
    """Yield ``(event, element, depth)`` for start and end tags; the caller clears what it
    has read."""
    with path.open("rb") as f:
        head = f.read(4)
        f.seek(0)
        depth = 0
        try:
            events: Any = iterparse(f, events=("start", "end"), forbid_dtd=False)
            for event, elem in events:
                if event == "start":
                    depth += 1
                    yield event, elem, depth
                else:
                    yield event, elem, depth
                    depth -= 1
        except DefusedXmlException as e:
            raise FileRejected(
                "unsafe_xml",
                f"the XML declares entities ({type(e).__name__}: {e}); CVAT never writes "
                "them, so the file was refused rather than expanded: re-export it from CVAT",
            ) from None
        except ParseError as e:
            line, column = e.position
            reason = "bad_encoding" if _bad_utf8(path, head) else "invalid_xml"
            raise FileRejected(
                reason,
                f"malformed XML at line {line}, column {column}: {e}; the export is truncated "
                "or corrupt: re-export it from CVAT",
            ) from None


def _bad_utf8(path: Path, head: bytes) -> bool:
    """Whether a file that failed to parse is not UTF-8 (only looked at on that error path)."""
    if utf16_bom(head):
        return False
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
