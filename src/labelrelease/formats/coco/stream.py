"""Read the arrays of a COCO file: whole with orjson when small, streamed with ijson when large.

A large file is scanned once per array (``images``, ``categories``, ``annotations``) by
ijson's C parser, so memory holds one annotation at a time plus the image and category tables,
never the file; a small file is parsed whole, which is faster.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson
import orjson

from labelrelease.formats.base import FileRejected
from labelrelease.formats.common import utf16_bom

WHOLE_MAX_BYTES = 32 << 20
"""Files up to this size are parsed whole."""


class CocoFile:
    """The top-level arrays of one COCO file, each iterated as ``(index, value)``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as f:
            head = f.read(4)
        if utf16_bom(head):
            raise FileRejected(
                "bad_encoding",
                "the file is UTF-16/32 encoded; COCO files are UTF-8: convert it (e.g. "
                "`iconv -f UTF-16 -t UTF-8`) and pull again",
                head,
            )
        self._whole: dict[str, Any] | None = None
        self._handle: BinaryIO | None = None
        if path.stat().st_size <= WHOLE_MAX_BYTES:
            self._whole = _load_whole(path)

    def array(self, key: str) -> Iterator[tuple[int, Any]]:
        """The elements of the top-level array ``key`` (none when the key is absent)."""
        if self._whole is not None:
            values = self._whole.get(key)
            if values is None:
                return
            if not isinstance(values, list):
                raise FileRejected(
                    "not_coco", f"`{key}` must be a list, not {type(values).__name__}"
                )
            yield from enumerate(values)
            return
        try:
            with self.path.open("rb") as f:
                self._handle = f
                yield from enumerate(ijson.items(f, f"{key}.item", use_float=True))
                self._handle = None
        except ijson.JSONError as e:
            text = (
                e.args[0].decode("utf-8", "replace")
                if e.args and isinstance(e.args[0], bytes)
                else str(e)
            )
            if "UTF8" in text or "UTF-8" in text:
                raise FileRejected(
                    "bad_encoding", "the file is not valid UTF-8; convert it to UTF-8"
                ) from None
            raise FileRejected(
                "invalid_json",
                f"malformed JSON ({text.splitlines()[0] if text else e}); the file is "
                "truncated or corrupt: re-export it",
            ) from None
        except UnicodeDecodeError as e:
            raise FileRejected(
                "bad_encoding", f"the file is not valid UTF-8 ({e.reason}); convert it to UTF-8"
            ) from None

    def position(self) -> int | None:
        """Bytes read so far by the array being streamed (None for a file parsed whole)."""
        return self._handle.tell() if self._handle is not None else None


def _load_whole(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        if "utf-8" in str(e).lower() or isinstance(e.__cause__, UnicodeDecodeError):
            raise FileRejected(
                "bad_encoding", f"the file is not valid UTF-8 ({e}); convert it to UTF-8"
            ) from None
        raise FileRejected(
            "invalid_json",
            f"malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}; the file is "
            "truncated or corrupt: re-export it",
            data[max(0, e.pos - 40) : e.pos + 40],
        ) from None
    if not isinstance(doc, dict) or "images" not in doc:
        raise FileRejected(
            "not_coco",
            "not a COCO file: expected an object with an `images` list; check --format",
            data[:80],
        )
    return doc
