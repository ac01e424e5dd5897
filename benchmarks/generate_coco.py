"""Write a seeded, deterministic COCO instances file with exactly ``--annotations`` annotations.

The file has the shape of a real ``instances_*.json`` (``info``, ``licenses``, ``images``,
``categories``, ``annotations``), streamed to disk so the generator's memory stays small:

- 80 categories with non-contiguous ids (1-90 with gaps, as in COCO 2017), one of them
  (``person``) with 17 keypoint names and a skeleton;
- about 7 annotations per image, on images of 320-1024 x 240-768 pixels;
- 70 % polygons (1-2 rings of 4-16 points), 15 % boxes only (empty segmentation), 5 % crowd
  regions as uncompressed RLE and 5 % as compressed RLE strings (``iscrowd: 1``), 5 %
  ``person`` keypoints (17 x, y, v triplets, v = 0, 1 or 2).

    python benchmarks/generate_coco.py OUT.json --annotations 1000000 [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import orjson

GENERATOR_VERSION = 1
PER_IMAGE = 7
KEYPOINTS = [
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
]
SKELETON = [
    [16, 14],
    [14, 12],
    [17, 15],
    [15, 13],
    [12, 13],
    [6, 12],
    [7, 13],
    [6, 7],
    [6, 8],
    [7, 9],
    [8, 10],
    [9, 11],
    [2, 3],
    [1, 2],
    [1, 3],
    [2, 4],
    [3, 5],
    [4, 6],
    [5, 7],
]
_RLE_CHARS = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmno"


def category_ids(n: int = 80) -> list[int]:
    """``n`` ids from 1-90 with COCO's gaps."""
    gaps = {12, 26, 29, 30, 45, 66, 68, 69, 71, 83}
    return [i for i in range(1, 91) if i not in gaps][:n]


def categories() -> list[dict[str, Any]]:
    out = []
    for i, cid in enumerate(category_ids()):
        cat: dict[str, Any] = {"id": cid, "name": f"class_{cid:02d}", "supercategory": f"s{i % 12}"}
        if cid == 1:
            cat.update(name="person", keypoints=KEYPOINTS, skeleton=SKELETON)
        out.append(cat)
    return out


def _polygon(rng: random.Random, w: int, h: int) -> tuple[list[list[float]], list[float]]:
    rings = []
    xs: list[float] = []
    ys: list[float] = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        n = rng.randint(4, 16)
        ring = []
        for _ in range(n):
            x, y = round(rng.uniform(0, w), 2), round(rng.uniform(0, h), 2)
            ring += [x, y]
            xs.append(x)
            ys.append(y)
        rings.append(ring)
    return rings, [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def _box(rng: random.Random, w: int, h: int) -> list[float]:
    x, y = rng.uniform(0, w - 2), rng.uniform(0, h - 2)
    return [
        round(x, 2),
        round(y, 2),
        round(rng.uniform(1, w - x), 2),
        round(rng.uniform(1, h - y), 2),
    ]


def _counts(rng: random.Random, w: int, h: int) -> list[int]:
    total, runs = w * h, []
    left = total
    while left > 0:
        run = min(left, rng.randint(1, max(2, total // 20)))
        runs.append(run)
        left -= run
    return runs


def _compressed(runs: list[int]) -> str:
    """COCO's LEB128-like string encoding of ``runs`` (as pycocotools writes it)."""
    out = []
    for i, run in enumerate(runs):
        x = run - runs[i - 2] if i > 2 else run
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def annotation(rng: random.Random, ann_id: int, image: dict[str, Any]) -> dict[str, Any]:
    w, h = image["width"], image["height"]
    ann: dict[str, Any] = {"id": ann_id, "image_id": image["id"], "iscrowd": 0}
    roll = rng.random()
    cats = category_ids()
    if roll < 0.70:
        seg, bbox = _polygon(rng, w, h)
        ann.update(category_id=rng.choice(cats), segmentation=seg, bbox=bbox)
    elif roll < 0.85:
        ann.update(category_id=rng.choice(cats), segmentation=[], bbox=_box(rng, w, h))
    elif roll < 0.95:
        runs = _counts(rng, w, h)
        counts: Any = runs if roll < 0.90 else _compressed(runs)
        ann.update(
            category_id=rng.choice(cats),
            segmentation={"counts": counts, "size": [h, w]},
            bbox=_box(rng, w, h),
            iscrowd=1,
        )
    else:
        kps: list[float] = []
        for _ in KEYPOINTS:
            v = rng.choice((0, 1, 2, 2))
            kps += [0, 0, 0] if v == 0 else [rng.randint(0, w - 1), rng.randint(0, h - 1), v]
        ann.update(
            category_id=1,
            segmentation=[],
            bbox=_box(rng, w, h),
            keypoints=kps,
            num_keypoints=sum(1 for v in kps[2::3] if v),
        )
    ann["area"] = round(ann["bbox"][2] * ann["bbox"][3], 2)
    return ann


def generate(path: Path, n: int, seed: int = 0) -> dict[str, Any]:
    """Write ``n`` annotations to ``path``; return what was written."""
    rng = random.Random(seed)
    n_images = max(1, -(-n // PER_IMAGE))
    images = [
        {
            "id": 100_000 + i * 3,
            "file_name": f"{i:012d}.jpg",
            "width": rng.randint(320, 1024),
            "height": rng.randint(240, 768),
            "license": 1,
        }
        for i in range(n_images)
    ]
    kinds = {"polygon": 0, "box": 0, "rle": 0, "rle_compressed": 0, "keypoints": 0}
    with path.open("wb") as f:
        f.write(b'{"info": {"description": "generated", "version": "1.0"}, "licenses": [')
        f.write(b'{"id": 1, "name": "CC BY 4.0", "url": ""}], "images": [')
        f.write(b",\n".join(orjson.dumps(i) for i in images))
        f.write(b'], "categories": ')
        f.write(orjson.dumps(categories()))
        f.write(b', "annotations": [\n')
        for k in range(n):
            ann = annotation(rng, k + 1, images[k // PER_IMAGE])
            seg = ann["segmentation"]
            kind = (
                "keypoints"
                if "keypoints" in ann
                else "box"
                if seg == []
                else "polygon"
                if isinstance(seg, list)
                else "rle_compressed"
                if isinstance(seg["counts"], str)
                else "rle"
            )
            kinds[kind] += 1
            f.write((b",\n" if k else b"") + orjson.dumps(ann))
        f.write(b"\n]}\n")
    return {
        "generator_version": GENERATOR_VERSION,
        "annotations": n,
        "images": n_images,
        "seed": seed,
        "kinds": kinds,
        "bytes": path.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    stats = generate(args.out, args.annotations, args.seed)
    json.dump(stats, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
