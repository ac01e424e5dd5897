"""COCO run-length encoded masks: the compressed string form decoded to its run lengths.

COCO keeps a crowd region's mask as runs over the image in column-major order, starting with
a run of background. ``counts`` is either the list of runs ("uncompressed") or a string in
which each run is a little-endian sequence of 5-bit groups (offset by 48, bit 6 = more to
come), runs from the third on stored as the difference to the run two places before. The
canonical ``mask_rle`` holds the runs as a list in both cases (``mask_format = "coco-rle"``).
"""

from __future__ import annotations

from typing import Any

from labelrelease.formats.common import BadRecord, is_number


def decode_counts(text: str) -> list[int]:
    """The run lengths of a compressed COCO RLE string."""
    runs: list[int] = []
    i, n = 0, len(text)
    while i < n:
        value, shift, more = 0, 0, True
        while more:
            if i >= n:
                raise BadRecord("bad_rle", "segmentation.counts", "the RLE string ends mid-run")
            c = ord(text[i]) - 48
            if not 0 <= c < 64:
                raise BadRecord(
                    "bad_rle", "segmentation.counts", f"invalid character {text[i]!r} in RLE"
                )
            value |= (c & 0x1F) << shift
            more = bool(c & 0x20)
            i += 1
            shift += 5
            if not more and c & 0x10:
                value |= -1 << shift
        if len(runs) > 2:
            value += runs[-2]
        runs.append(value)
    return runs


def runs_of(segmentation: dict[str, Any]) -> tuple[list[int], int, int]:
    """``(runs, height, width)`` of an RLE segmentation; :class:`BadRecord` if it is not one."""
    size = segmentation.get("size")
    if not (isinstance(size, list) and len(size) == 2 and all(is_number(v) for v in size)):
        raise BadRecord("bad_rle", "segmentation.size", "RLE `size` must be [height, width]")
    height, width = int(size[0]), int(size[1])
    counts = segmentation.get("counts")
    if isinstance(counts, str):
        runs = decode_counts(counts)
    elif isinstance(counts, list) and all(isinstance(c, int) for c in counts):
        runs = counts
    else:
        raise BadRecord(
            "bad_rle", "segmentation.counts", "RLE `counts` must be a list of runs or a string"
        )
    if any(r < 0 for r in runs) or sum(runs) != height * width:
        raise BadRecord(
            "bad_rle",
            "segmentation.counts",
            f"RLE runs cover {sum(runs)} pixels, not the {height}x{width} = {height * width} of "
            "its `size` (or a run is negative); re-export the mask",
        )
    return runs, height, width
