"""Deterministic string IDs derived from the source.

An ID is a short prefix naming the table and 20 hex digits of BLAKE2b over the parts that
identify the record in its source (source name, task id, annotation id, region id, ...).
Re-importing an unchanged export therefore gives identical IDs, and the same region seen
twice collides on purpose (and is reported as a duplicate).
"""

from __future__ import annotations

from hashlib import blake2b

PREFIXES = {
    "items": "it",
    "assets": "as",
    "annotations": "an",
    "labels": "lb",
    "links": "lk",
    "quarantine": "qr",
}

_SEP = "\x1f"


def make_id(table: str, *parts: object) -> str:
    """A stable ID for a record of ``table`` identified by ``parts`` (``None`` is distinct
    from ``""``)."""
    text = _SEP.join(["\x00" if p is None else p if type(p) is str else str(p) for p in parts])
    return PREFIXES[table] + "_" + blake2b(text.encode(), digest_size=10).hexdigest()
