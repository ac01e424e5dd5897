"""Baseline for the COCO import benchmark: the least any COCO importer must do.

Read the whole file with the fastest JSON parser installed (``orjson.loads``), walk the
annotations and turn each into its label rows (a box per ``bbox``; a polygon per ring; a mask
per RLE, its ``counts`` kept as they come, list or string; a keypoint per labelled keypoint;
a caption as text), with BLAKE2b string IDs, the category name and a JSON-pointer
``source_ref``, build the columns and write them with ``pyarrow.parquet.write_table`` (zstd).
No validation, no quarantine, no other tables, no links, no sorting, and the whole parsed file
in memory: a floor, not an importer. The cyclic garbage collector is off while it runs.

    python benchmarks/baseline_coco.py FILE.json --out DIR     # writes DIR/labels.parquet
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from hashlib import blake2b
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = ("label_id", "annotation_id", "item_id", "kind", "class", "x", "y", "w", "h",
           "points", "mask_counts", "text", "source_ref")  # fmt: skip


def _id(*parts: object) -> str:
    return blake2b("\x1f".join(map(str, parts)).encode(), digest_size=10).hexdigest()


def convert(doc: dict[str, Any], name: str) -> dict[str, list[Any]]:
    """The label columns of a parsed COCO file."""
    cols: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    cats = {c["id"]: c["name"] for c in doc.get("categories") or []}
    items = {i["id"]: "it_" + _id("coco", i["id"]) for i in doc["images"]}

    def row(ann: dict[str, Any], k: int, part: str, kind: str, **values: Any) -> None:
        item = items[ann["image_id"]]
        cols["label_id"].append("lb_" + _id(item, ann["id"], part))
        cols["annotation_id"].append("an_" + _id(item, name))
        cols["item_id"].append(item)
        cols["kind"].append(kind)
        cols["class"].append(cats.get(ann.get("category_id")))
        for c in ("x", "y", "w", "h", "points", "mask_counts", "text"):
            cols[c].append(values.get(c))
        cols["source_ref"].append(f"{name}#/annotations/{k}")

    for k, ann in enumerate(doc["annotations"]):
        if "caption" in ann:
            row(ann, k, "caption", "text", text=ann["caption"])
            continue
        x, y, w, h = ann["bbox"]
        row(ann, k, "bbox", "box", x=x, y=y, w=w, h=h)
        seg = ann.get("segmentation")
        if isinstance(seg, dict):
            counts = seg["counts"]
            row(ann, k, "mask", "mask", mask_counts=counts if isinstance(counts, str) else
                json.dumps(counts))  # fmt: skip
        elif seg:
            for j, ring in enumerate(seg):
                row(ann, k, f"seg/{j}", "polygon", points=[float(v) for v in ring])
        kps = ann.get("keypoints")
        if kps:
            for i in range(0, len(kps), 3):
                if kps[i + 2]:
                    row(ann, k, f"kp/{i // 3}", "keypoint", x=kps[i], y=kps[i + 1])
    return cols


SCHEMA = pa.schema(
    [pa.field(c, pa.string()) for c in COLUMNS[:5]]
    + [pa.field(c, pa.float64()) for c in ("x", "y", "w", "h")]
    + [pa.field("points", pa.list_(pa.float64()))]
    + [pa.field(c, pa.string()) for c in ("mask_counts", "text", "source_ref")]
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--keep-gc", action="store_true")
    args = parser.parse_args(argv)
    if not args.keep_gc:
        gc.disable()
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    doc = orjson.loads(args.file.read_bytes())
    times["parse_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    cols = convert(doc, args.file.name)
    table = pa.table(cols, schema=SCHEMA)
    times["convert_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, args.out / "labels.parquet", compression="zstd")
    times["write_s"] = time.perf_counter() - t2
    json.dump({**times, "labels": table.num_rows}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
