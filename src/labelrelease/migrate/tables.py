"""Arrow schemas of the tables only ``migrate`` writes: changes, relabel queue, filtered labels."""

from __future__ import annotations

import pyarrow as pa

from labelrelease.model.schema import LABELS

CHANGES = pa.schema(
    [
        pa.field("label_id", pa.string()),  # NULL for a change of an annotation
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("table", pa.string(), nullable=False),  # labels, links or annotations
        pa.field("record_id", pa.string(), nullable=False),  # key of the changed row
        pa.field("field", pa.string(), nullable=False),  # column, or attributes.KEY
        pa.field("old", pa.string()),  # JSON text; NULL = absent
        pa.field("new", pa.string()),  # JSON text; NULL = absent (or the row was removed)
        pa.field("cause", pa.string(), nullable=False),  # the migration id
    ]
)

RELABEL = pa.schema(
    [
        pa.field("label_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("migration_id", pa.string(), nullable=False),
        pa.field("policy", pa.string(), nullable=False),  # review, relabel or filter
        pa.field("reason", pa.string(), nullable=False),
    ]
)

FILTERED_LABELS = pa.schema(
    [
        *LABELS,
        pa.field("migration_id", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
    ]
)

ORDER = "_pos, _op"
"""Hidden columns of changes and relabel: the migration's position and the operation's index,
so rows come out in the order they were made."""

DDL = """
CREATE TABLE changes (label_id VARCHAR, item_id VARCHAR, "table" VARCHAR, record_id VARCHAR,
                      field VARCHAR, old VARCHAR, new VARCHAR, cause VARCHAR,
                      _pos INTEGER, _op INTEGER);
CREATE TABLE relabel (label_id VARCHAR, item_id VARCHAR, migration_id VARCHAR, policy VARCHAR,
                      reason VARCHAR, _pos INTEGER, _op INTEGER);
"""

RUN_TABLES = frozenset({
    "annotations", "labels", "links", "changes", "relabel", "filtered_labels", "_versions",
    "_held_labels", "_held_links", "_before_labels", "_before_links", "_gone", "_rt",
    "canon_attrs",
})  # fmt: skip
"""Tables (and the macro) a migrate run makes in its DuckDB database (``run.py``,
``engine.py``, ``ops.py``): a ``.sql`` migration may change their rows, never create, drop or
alter them."""
RUN_SCHEMAS = frozenset({"main", "temp"})
"""Schemas that hold the run's tables."""
