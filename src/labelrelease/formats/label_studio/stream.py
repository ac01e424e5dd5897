"""Stream the top-level records of a Label Studio JSON file, in bounded memory.

A JSON array (the JSON and JSON-MIN exports, import task lists) is split into its elements by
DuckDB's streaming JSON reader; each element is parsed with orjson. A single object (one task,
or one annotation payload) is parsed whole.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson

from labelrelease.formats.base import FileRejected

FETCH_ROWS = 2_000
MAX_OBJECT_BYTES = 1 << 24
"""Largest single task the reader accepts (16 MiB); the read buffer grows with it."""

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def first_char(head: bytes) -> str:
    """The first non-blank character of a UTF-8 file head, ignoring a BOM ('' if none)."""
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return chr(text[0]) if text else ""


Record = tuple[str, Any]
"""A top-level record: its JSON pointer, and its JSON text (arrays) or parsed value."""


def iter_chunks(path: Path, head: bytes, size: int) -> Iterator[tuple[list[Record], int]]:
    """Yield the file's top-level records in chunks of at most ``size``, with the bytes they
    took; array elements come as JSON text, to be parsed where they are converted."""
    chunk: list[Record] = []
    n_bytes = 0
    for pointer, record, n in iter_records(path, head):
        chunk.append((pointer, record))
        n_bytes += n
        if len(chunk) >= size:
            yield chunk, n_bytes
            chunk, n_bytes = [], 0
    if chunk:
        yield chunk, n_bytes


def iter_records(path: Path, head: bytes) -> Iterator[tuple[str, Any, int]]:
    """Yield ``(json_pointer, record, n_bytes)`` for each top-level record of the file."""
    if head.startswith(_UTF16_BOMS):
        raise FileRejected(
            "bad_encoding",
            "the file is UTF-16/32 encoded; Label Studio exports are UTF-8: convert it "
            "(e.g. `iconv -f UTF-16 -t UTF-8`) and pull again",
            head[:40],
        )
    start = first_char(head)
    if not start:
        raise FileRejected("empty_file", "the file is empty; re-export it from Label Studio")
    if start == "[":
        yield from _iter_array(path)
    elif start == "{":
        yield "", _load_whole(path), _size(path)
    else:
        raise FileRejected(
            "invalid_json",
            "the file is not JSON (it starts with neither `[` nor `{`); export tasks as JSON",
            head[:80],
        )


def _iter_array(path: Path) -> Iterator[tuple[str, Any, int]]:
    con = duckdb.connect(config={"threads": 1})
    try:
        result = con.execute(
            "SELECT json FROM read_json_objects(?, format = 'array', maximum_object_size = ?)",
            [str(path), MAX_OBJECT_BYTES],
        )
        index = 0
        while True:
            try:
                rows = result.fetchmany(FETCH_ROWS)
            except duckdb.Error as e:
                raise FileRejected(*_duckdb_reason(e)) from None
            except UnicodeDecodeError as e:
                raise FileRejected(
                    "bad_encoding",
                    f"the file is not valid UTF-8 ({e.reason} near byte {e.start}); "
                    "re-export it or convert it to UTF-8",
                ) from None
            if not rows:
                return
            for (text,) in rows:
                yield f"/{index}", text, len(text)
                index += 1
    except duckdb.Error as e:
        raise FileRejected(*_duckdb_reason(e)) from None
    finally:
        con.close()


def _duckdb_reason(error: duckdb.Error) -> tuple[str, str]:
    text = str(error).split("Error: ", 1)[-1].strip()
    if "UTF-8" in text or "utf-8" in text:
        return "bad_encoding", f"{text}; convert the file to UTF-8 and pull again"
    return (
        "invalid_json",
        f"{text}; the export is truncated or corrupt: re-export it from Label Studio",
    )


def _load_whole(path: Path) -> Any:
    data = path.read_bytes()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as e:
        if isinstance(e.__cause__, UnicodeDecodeError) or "utf-8" in str(e).lower():
            raise FileRejected(
                "bad_encoding", f"the file is not valid UTF-8 ({e}); convert it to UTF-8"
            ) from None
        raise FileRejected(
            "invalid_json",
            f"malformed JSON at line {e.lineno}, column {e.colno} (byte {e.pos}): {e.msg}; "
            "the export is truncated or corrupt: re-export it",
            data[max(0, e.pos - 40) : e.pos + 40],
        ) from None


def _size(path: Path) -> int:
    return path.stat().st_size
