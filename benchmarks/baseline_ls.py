"""Baseline for the pull benchmark: the least any Label Studio importer must do.

Read the whole export with the fastest JSON parser installed (``orjson.loads``), walk tasks →
annotations and predictions → results, turn every region (a result that is not a relation) into
one label row (deterministic string IDs, percent → pixels, char and time offsets, class, text,
score, a JSON-pointer ``source_ref``); a per-region ``textarea`` that shares a region's id fills
that region's ``text`` instead of making a row of its own, as in the canonical model. Then
write the rows with ``pyarrow.parquet.write_table`` (zstd). No validation, no quarantine, no
other tables, no sorting: it is a floor, not an importer.

The cyclic garbage collector is switched off while it runs (parsing and walking build millions of
acyclic containers, and the collector's repeated scans of them cost more than the parse itself);
``--keep-gc`` leaves it on, to show what that one line is worth.

    python benchmarks/baseline_ls.py EXPORT.json --out DIR     # writes DIR/labels.parquet
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

SOURCE = "label-studio"

LABELS = pa.schema(
    [
        pa.field("label_id", pa.string(), nullable=False),
        pa.field("annotation_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("class", pa.string()),
        pa.field("text", pa.string()),
        pa.field("x", pa.float64()),
        pa.field("y", pa.float64()),
        pa.field("w", pa.float64()),
        pa.field("h", pa.float64()),
        pa.field("rotation", pa.float64()),
        pa.field("points", pa.list_(pa.float64())),
        pa.field("t_start", pa.float64()),
        pa.field("t_end", pa.float64()),
        pa.field("char_start", pa.int64()),
        pa.field("char_end", pa.int64()),
        pa.field("score", pa.float64()),
        pa.field("origin", pa.string(), nullable=False),
        pa.field("source_ref", pa.string(), nullable=False),
    ]
)
"""The label columns the baseline fills: the canonical ``labels`` columns an export of these
kinds can populate."""

Row = tuple[Any, ...]
_EMPTY: tuple[None, ...] = (None,) * 11  # text, x, y, w, h, rotation, points, t0, t1, c0, c1
_KINDS = {
    "rectanglelabels": "box",
    "polygonlabels": "polygon",
    "keypointlabels": "keypoint",
    "choices": "tag",
    "textarea": "text",
}


def make_id(prefix: str, *parts: object) -> str:
    """A deterministic ID: a prefix and 20 hex digits of BLAKE2b over the source parts."""
    digest = blake2b("\x1f".join(map(str, parts)).encode(), digest_size=10).hexdigest()
    return f"{prefix}_{digest}"


def geometry(kind: str, value: dict[str, Any], result: dict[str, Any]) -> tuple[Any, ...]:
    """The kind-specific columns of one region (``_EMPTY`` order), pixels and seconds."""
    if kind in ("box", "keypoint", "polygon"):
        sx = result.get("original_width", 100) / 100.0
        sy = result.get("original_height", 100) / 100.0
        if kind == "polygon":
            pts = [c for x, y in value["points"] for c in (x * sx, y * sy)]
            return (None, None, None, None, None, None, pts, None, None, None, None)
        w = value.get("width")
        h = value.get("height")
        return (
            None,
            value["x"] * sx,
            value["y"] * sy,
            None if w is None else w * sx,
            None if h is None else h * sy,
            value.get("rotation"),
            None,
            None,
            None,
            None,
            None,
        )
    if kind == "span":
        return (value.get("text"), *_EMPTY[1:9], value["start"], value["end"])
    if kind == "time_span":
        return (*_EMPTY[:7], value["start"], value["end"], None, None)
    if kind == "text":
        return (
            "\n".join(value["text"]),
            *_EMPTY[1:7],
            value.get("start"),
            value.get("end"),
            None,
            None,
        )
    return _EMPTY


def kind_of(rtype: str, value: dict[str, Any]) -> str:
    """The canonical kind of a result: ``labels`` is a text span if it carries text offsets,
    else a time span."""
    if rtype == "labels":
        return "span" if "text" in value else "time_span"
    return _KINDS.get(rtype, rtype)


def pass_rows(
    rows: list[Row], name: str, task: dict[str, Any], t_index: int, key: str, item_id: str
) -> None:
    """Append the label rows of every pass under ``task[key]`` (annotations or predictions)."""
    origin = "human" if key == "annotations" else "model"
    for p_index, pass_ in enumerate(task.get(key) or ()):
        annotation_id = make_id("an", SOURCE, task["id"], key, pass_["id"])
        pass_score = pass_.get("score")
        row_of: dict[str, int] = {}
        for r_index, result in enumerate(pass_.get("result") or ()):
            rtype = result["type"]
            if rtype == "relation":
                continue
            value = result["value"]
            if rtype == "textarea" and result["id"] in row_of:
                i = row_of[result["id"]]
                rows[i] = (*rows[i][:5], "\n".join(value["text"]), *rows[i][6:])
                continue
            row_of[result["id"]] = len(rows)
            kind = kind_of(rtype, value)
            classes = value.get(rtype)
            label_id = make_id("lb", SOURCE, task["id"], key, pass_["id"], result["id"], rtype)
            rows.append(
                (
                    label_id,
                    annotation_id,
                    item_id,
                    kind,
                    classes[0] if classes and kind != "text" else None,
                    *geometry(kind, value, result),
                    result.get("score", pass_score) if origin == "model" else None,
                    origin,
                    f"{name}#/{t_index}/{key}/{p_index}/result/{r_index}",
                )
            )


def label_rows(tasks: list[dict[str, Any]], name: str) -> list[Row]:
    """One row per region of every task, in file order."""
    rows: list[Row] = []
    for t_index, task in enumerate(tasks):
        item_id = make_id("it", SOURCE, task["id"])
        pass_rows(rows, name, task, t_index, "annotations", item_id)
        pass_rows(rows, name, task, t_index, "predictions", item_id)
    return rows


def run_baseline(src: Path, out_dir: Path, *, keep_gc: bool = False) -> dict[str, Any]:
    """Import ``src`` the minimal way into ``out_dir/labels.parquet``; return row count and the
    time of each stage in seconds."""
    was_enabled = gc.isenabled()
    if not keep_gc:
        gc.disable()
    try:
        return _run(src, out_dir)
    finally:
        if was_enabled:
            gc.enable()


def _run(src: Path, out_dir: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    tasks = orjson.loads(src.read_bytes())
    t1 = time.perf_counter()
    rows = label_rows(tasks, src.name)
    del tasks
    t2 = time.perf_counter()
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in LABELS]
    n_rows = len(rows)
    del rows
    table = pa.Table.from_arrays(
        [pa.array(c, type=f.type) for c, f in zip(columns, LABELS, strict=True)], schema=LABELS
    )
    del columns
    t3 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out_dir / "labels.parquet", compression="zstd")
    t4 = time.perf_counter()
    return {
        "rows": n_rows,
        "stages_s": {"parse": t1 - t0, "walk": t2 - t1, "arrow": t3 - t2, "write": t4 - t3},
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: run the baseline and print its stats as JSON."""
    parser = argparse.ArgumentParser(description="Baseline import of a Label Studio export.")
    parser.add_argument("export", type=Path, help="Label Studio JSON export")
    parser.add_argument("--out", type=Path, required=True, help="folder for labels.parquet")
    parser.add_argument("--keep-gc", action="store_true", help="leave the cyclic GC on")
    args = parser.parse_args(argv)
    json.dump(run_baseline(args.export, args.out, keep_gc=args.keep_gc), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
