"""The compressed COCO RLE decoder against pycocotools, the reference implementation."""

from __future__ import annotations

import numpy as np
import pytest
from pycocotools import mask as coco_mask

from labelrelease.formats.coco.rle import decode_counts, runs_of
from labelrelease.formats.common import BadRecord


def runs_of_mask(m: np.ndarray) -> list[int]:
    """Column-major runs of a binary mask, starting with background (COCO's convention)."""
    flat = m.flatten(order="F")
    runs, current, n = [], 0, 0
    for v in flat:
        if v != current:
            runs.append(n)
            current, n = v, 0
        n += 1
    runs.append(n)
    return runs


@pytest.mark.parametrize("seed", range(8))
def test_decoder_matches_pycocotools(seed: int) -> None:
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(1, 60)), int(rng.integers(1, 60))
    m = (rng.random((h, w)) < rng.random()).astype(np.uint8)
    encoded = coco_mask.encode(np.asfortranarray(m))
    runs = decode_counts(encoded["counts"].decode())
    assert runs == runs_of_mask(m)
    assert sum(runs) == h * w


def test_large_runs_and_differences() -> None:
    runs = [0, 100_000, 3, 250_000, 1, 7]
    encoded = coco_mask.frPyObjects({"counts": runs, "size": [1, sum(runs)]}, 1, sum(runs))
    assert decode_counts(encoded["counts"].decode()) == runs


def test_bad_rle_is_refused() -> None:
    with pytest.raises(BadRecord) as e:
        runs_of({"counts": [1, 2], "size": [2, 2]})
    assert e.value.reason_code == "bad_rle"
    with pytest.raises(BadRecord):
        decode_counts("0d0\x7f")
