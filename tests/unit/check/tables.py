"""Small canonical tables for check tests: a clean base and ways to break it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from labelrelease.model.schema import RECORD_KINDS, SCHEMAS

Rows = dict[str, list[dict[str, Any]]]


def base() -> Rows:
    """One item with an image, a text, an audio and a video asset; every expectation passes."""
    item = "it1"
    assets = [
        {"asset_id": "as_img", "name": "image", "modality": "image", "width": 100, "height": 80},
        {"asset_id": "as_txt", "name": "caption", "modality": "text",
         "content": "A cat sits.", "n_chars": 11},
        {"asset_id": "as_aud", "name": "audio", "modality": "audio", "duration_s": 10.0},
        {"asset_id": "as_vid", "name": "video", "modality": "video", "duration_s": 2.0,
         "fps": 10.0, "width": 100, "height": 80},
    ]  # fmt: skip
    labels = [
        {"label_id": "lb_box", "asset_id": "as_img", "kind": "box", "class": "Cat",
         "x": 10.0, "y": 10.0, "w": 20.0, "h": 20.0},
        {"label_id": "lb_poly", "asset_id": "as_img", "kind": "polygon", "class": "Cat",
         "points": [1.0, 1.0, 50.0, 1.0, 50.0, 70.0]},
        {"label_id": "lb_cap", "asset_id": "as_img", "kind": "text", "class": "caption",
         "text": "A cat on a mat"},
        {"label_id": "lb_span", "asset_id": "as_txt", "kind": "span", "class": "Animals",
         "char_start": 2, "char_end": 5, "text": "cat"},
        {"label_id": "lb_time", "asset_id": "as_aud", "kind": "time_span", "class": "SPEAKER_A",
         "t_start": 1.0, "t_end": 2.0},
        {"label_id": "lb_frame", "asset_id": "as_vid", "kind": "frame_span", "class": "Car",
         "frame_start": 0, "frame_end": 20},
    ]  # fmt: skip
    rows: Rows = {
        "items": [{"item_id": item, "source": "t", "language": "en", "is_gold": False}],
        "assets": assets,
        "annotations": [
            {
                "annotation_id": "an1",
                "origin": "human",
                "pass": "combined",
                "status": "submitted",
                "guideline_version": "1.0",
                "annotator": "a@x.org",
            },
        ],
        "labels": [{**lb, "annotation_id": "an1", "origin": "human"} for lb in labels],
        "links": [
            {
                "link_id": "lk1",
                "annotation_id": "an1",
                "from_label_id": "lb_span",
                "to_label_id": "lb_box",
                "relation": "describes",
                "direction": "right",
                "origin": "human",
            },
        ],
    }
    for table, records in rows.items():
        for r in records:
            r.setdefault("item_id", item)
            r.setdefault("source_ref", f"t.json#/{table}/{r[SCHEMAS[table].field(0).name]}")
    return rows


def changed(rows: Rows, table: str, key: str, **values: Any) -> Rows:
    """A copy of ``rows`` with the record ``key`` of ``table`` updated."""
    out = copy.deepcopy(rows)
    pk = SCHEMAS[table].field(0).name
    for r in out[table]:
        if r[pk] == key:
            r.update(values)
    return out


def added(rows: Rows, table: str, **record: Any) -> Rows:
    """A copy of ``rows`` with one more record in ``table``."""
    out = copy.deepcopy(rows)
    pk = SCHEMAS[table].field(0).name
    record.setdefault("item_id", "it1")
    record.setdefault("source_ref", f"t.json#/{table}/{record[pk]}")
    out[table].append(record)
    return out


def write(rows: Rows, folder: Path) -> Path:
    """Write ``rows`` as the five canonical tables into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in RECORD_KINDS:
        # nullability relaxed, so that a test can plant a NULL the contract must catch
        schema = pa.schema([f.with_nullable(True) for f in SCHEMAS[table]])
        full = [{f.name: r.get(f.name) for f in schema} for r in rows.get(table, [])]
        pq.write_table(pa.Table.from_pylist(full, schema=schema), folder / f"{table}.parquet")
    return folder
