"""Explicit Arrow schemas of the canonical tables (DESIGN §4).

Every table is written as zstd Parquet with exactly these schemas, sorted by its key column, so
that re-importing an unchanged export gives byte-identical files. ``attributes`` columns hold
canonical JSON text (sorted keys, no whitespace) or NULL; empty is NULL, never ``""``.
"""

from __future__ import annotations

import pyarrow as pa

MODALITIES = ("image", "video", "audio", "text", "document")
"""Modalities of an asset."""

KINDS = (
    "box",  # x, y, w, h (+ rotation) in pixels
    "polygon",  # points, closed
    "polyline",  # points, open
    "ellipse",  # x, y = centre; w, h = radii; rotation
    "keypoint",  # x, y (marker size in attributes.marker_width)
    "mask",  # mask_rle + mask_format
    "span",  # char_start/char_end (+ text) in a text or document asset
    "time_span",  # t_start/t_end in seconds of an audio or video asset
    "frame_span",  # frame_start/frame_end of a video asset
    "track",  # keyframes of a moving box in a video
    "tag",  # a class on the whole asset or item (choices, taxonomy)
    "text",  # free text: caption, transcript, comment
    "number",  # number or rating
    "datetime",  # an ISO date-time in `text`
)
"""Label kinds; the contract says which fields each kind requires or forbids."""

ORIGINS = ("human", "model")
"""Origin of an annotation (a pass)."""

LABEL_ORIGINS = ("human", "model", "prelabel", "prelabel_edited")
"""Origin of a label: drawn by a human, predicted by a model, or a model pre-label a human kept
unchanged (``prelabel``) or edited (``prelabel_edited``)."""

STATUSES = ("submitted", "accepted", "rejected", "cancelled", "predicted")
"""Status of an annotation."""

PASSES = ("visual", "text", "combined")
LINK_ORIGINS = ("human", "model", "rule")
"""Origin of a link: drawn in a human or a model pass, or derived by a contract rule."""

_JSON = pa.string()

ITEMS = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_ref", pa.string(), nullable=False),
        pa.field("language", pa.string()),
        pa.field("split", pa.string()),
        pa.field("is_gold", pa.bool_(), nullable=False),
        pa.field("attributes", _JSON),
    ]
)

ASSETS = pa.schema(
    [
        pa.field("asset_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("modality", pa.string(), nullable=False),
        pa.field("uri", pa.string()),
        pa.field("sha256", pa.string()),
        pa.field("width", pa.int32()),
        pa.field("height", pa.int32()),
        pa.field("duration_s", pa.float64()),
        pa.field("fps", pa.float64()),
        pa.field("n_chars", pa.int64()),
        pa.field("content", pa.string()),
        pa.field("attributes", _JSON),
        pa.field("source_ref", pa.string(), nullable=False),
    ]
)

ANNOTATIONS = pa.schema(
    [
        pa.field("annotation_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("annotator", pa.string()),
        pa.field("origin", pa.string(), nullable=False),
        pa.field("model", pa.string()),
        pa.field("pass", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("reviewer", pa.string()),
        pa.field("prelabeled_from", pa.string()),
        pa.field("guideline_version", pa.string(), nullable=False),
        pa.field("created_at", pa.timestamp("us", tz="UTC")),
        pa.field("score", pa.float64()),
        pa.field("attributes", _JSON),
        pa.field("source_ref", pa.string(), nullable=False),
    ]
)

KEYFRAME = pa.struct(
    [
        pa.field("frame", pa.int64()),
        pa.field("time", pa.float64()),
        pa.field("x", pa.float64()),
        pa.field("y", pa.float64()),
        pa.field("w", pa.float64()),
        pa.field("h", pa.float64()),
        pa.field("rotation", pa.float64()),
        pa.field("enabled", pa.bool_()),
    ]
)

LABELS = pa.schema(
    [
        pa.field("label_id", pa.string(), nullable=False),
        pa.field("annotation_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("asset_id", pa.string()),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("class", pa.string()),
        pa.field("text", pa.string()),
        pa.field("x", pa.float64()),
        pa.field("y", pa.float64()),
        pa.field("w", pa.float64()),
        pa.field("h", pa.float64()),
        pa.field("rotation", pa.float64()),
        pa.field("points", pa.list_(pa.float64())),
        pa.field("mask_rle", pa.list_(pa.int64())),
        pa.field("mask_format", pa.string()),
        pa.field("keyframes", pa.list_(KEYFRAME)),
        pa.field("t_start", pa.float64()),
        pa.field("t_end", pa.float64()),
        pa.field("frame_start", pa.int64()),
        pa.field("frame_end", pa.int64()),
        pa.field("char_start", pa.int64()),
        pa.field("char_end", pa.int64()),
        pa.field("number", pa.float64()),
        pa.field("score", pa.float64()),
        pa.field("origin", pa.string(), nullable=False),
        pa.field("attributes", _JSON),
        pa.field("source_ref", pa.string(), nullable=False),
    ]
)

LINKS = pa.schema(
    [
        pa.field("link_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("annotation_id", pa.string(), nullable=False),
        pa.field("from_label_id", pa.string(), nullable=False),
        pa.field("to_label_id", pa.string(), nullable=False),
        pa.field("relation", pa.string(), nullable=False),
        pa.field("direction", pa.string(), nullable=False),
        pa.field("origin", pa.string(), nullable=False),  # human, model, rule
        pa.field("rule", pa.string()),  # the contract rule that derived it (origin rule)
        pa.field("attributes", _JSON),
        pa.field("source_ref", pa.string(), nullable=False),
    ]
)

QUARANTINE = pa.schema(
    [
        pa.field("quarantine_id", pa.string(), nullable=False),
        pa.field("record_kind", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_ref", pa.string(), nullable=False),
        pa.field("reason_code", pa.string(), nullable=False),
        pa.field("field", pa.string()),
        pa.field("message", pa.string(), nullable=False),
        pa.field("excerpt", pa.string()),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "items": ITEMS,
    "assets": ASSETS,
    "annotations": ANNOTATIONS,
    "labels": LABELS,
    "links": LINKS,
    "quarantine": QUARANTINE,
}
"""Canonical tables by name, in the order they are written."""

TABLES = tuple(SCHEMAS)

RECORD_KINDS = ("items", "assets", "annotations", "labels", "links")
"""Kinds of input record that are counted in ``pull.json`` (in = taken + quarantined)."""


def primary_key(table: str) -> str:
    """The key column a table is sorted and deduplicated by (its first column)."""
    return str(SCHEMAS[table].field(0).name)
