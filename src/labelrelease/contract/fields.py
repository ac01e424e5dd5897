"""Field vocabulary of the contract, derived from the canonical ``labels`` schema.

The contract may name any column of :data:`~labelrelease.model.schema.LABELS` except the identity
columns every row must carry. Kind rules say, per kind, which of these fields are required, which
are optional and which must be NULL.
"""

from __future__ import annotations

import pyarrow as pa

from labelrelease.model.schema import KEYFRAME, KINDS, LABELS

IDENTITY_FIELDS = ("label_id", "annotation_id", "item_id", "kind", "origin", "source_ref")
"""Columns that every label has whatever its kind; a kind rule cannot name them."""

LABEL_FIELDS = tuple(name for name in LABELS.names if name not in IDENTITY_FIELDS)
"""Fields a kind rule may list under ``required``, ``optional`` or ``must_be_null``."""

PAYLOAD_FIELDS = (
    "x",
    "y",
    "w",
    "h",
    "rotation",
    "points",
    "mask_rle",
    "mask_format",
    "keyframes",
    "t_start",
    "t_end",
    "frame_start",
    "frame_end",
    "char_start",
    "char_end",
    "number",
)
"""Geometry, time, offset and value fields: what ``must_be_null: others`` covers. The remaining
label fields (asset_id, class, text, score, attributes) are optional unless a rule names them."""

NUMERIC_FIELDS = tuple(
    field.name
    for field in LABELS
    if pa.types.is_floating(field.type) or pa.types.is_integer(field.type)
)
"""Label fields a range may bound."""

KEYFRAME_NUMERIC_FIELDS = tuple(
    field.name
    for field in KEYFRAME
    if pa.types.is_floating(field.type) or pa.types.is_integer(field.type)
)
"""Keyframe fields a range may bound, written ``keyframes.<field>``."""

RANGE_FIELDS = NUMERIC_FIELDS + tuple(f"keyframes.{name}" for name in KEYFRAME_NUMERIC_FIELDS)
"""Everything a ``ranges`` entry may name."""

RANGE_OPS = ("gt", "ge", "lt", "le")
"""Comparison operators of a range: greater than, at least, less than, at most."""

OP_SYMBOLS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}

STRUCTURAL_REQUIRED: dict[str, tuple[str, ...]] = {
    "box": ("x", "y", "w", "h"),
    "polygon": ("points",),
    "polyline": ("points",),
    "ellipse": ("x", "y", "w", "h"),
    "keypoint": ("x", "y"),
    "mask": ("mask_rle", "mask_format"),
    "span": ("char_start", "char_end"),
    "time_span": ("t_start", "t_end"),
    "frame_span": ("frame_start", "frame_end"),
    "track": ("keyframes",),
    "tag": ("class",),
    "text": ("text",),
    "number": ("number",),
    "datetime": ("text",),
}
"""Fields without which a label of a kind means nothing; a contract may add to them, never drop
them."""

assert tuple(STRUCTURAL_REQUIRED) == KINDS, "every kind needs its structural fields"

KNOWN_SCRIPTS = (
    "Arabic",
    "Armenian",
    "Bengali",
    "Common",
    "Cyrillic",
    "Devanagari",
    "Ethiopic",
    "Georgian",
    "Greek",
    "Gujarati",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hebrew",
    "Hiragana",
    "Inherited",
    "Kannada",
    "Katakana",
    "Khmer",
    "Lao",
    "Latin",
    "Malayalam",
    "Myanmar",
    "Sinhala",
    "Tamil",
    "Telugu",
    "Thai",
    "Tibetan",
)
"""Unicode script names (as in the Unicode ``Scripts.txt``) a text policy may allow."""
