"""Identifiers in SQL: only names of the canonical model, always quoted.

Values are always bound as parameters; identifiers cannot be, so every table or column name
that goes into SQL text passes :func:`ident`, which accepts only names from an allow-list.
"""

from __future__ import annotations

import pyarrow as pa

from labelrelease.model.schema import KEYFRAME, SCHEMAS
from labelrelease.model.sink import SEQ, SOURCE

ALLOWED = frozenset(
    {*SCHEMAS, "q", "bad", SEQ, SOURCE}
    | {field.name for schema in SCHEMAS.values() for field in schema}
    | {field.name for field in KEYFRAME}
)


def ident(name: str) -> str:
    """``name`` quoted as a SQL identifier, if it is a name of the canonical model."""
    if name not in ALLOWED:
        raise ValueError(f"{name!r} is not an identifier of the canonical model")
    return '"' + name.replace('"', '""') + '"'


def duckdb_type(t: pa.DataType) -> str:
    """The DuckDB type of an Arrow type of the canonical schemas."""
    if pa.types.is_string(t):
        return "VARCHAR"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_int32(t):
        return "INTEGER"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_float64(t):
        return "DOUBLE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    if pa.types.is_list(t):
        return duckdb_type(t.value_type) + "[]"
    if pa.types.is_struct(t):
        fields = ", ".join(f"{ident(f.name)} {duckdb_type(f.type)}" for f in t)
        return f"STRUCT({fields})"
    raise TypeError(f"no DuckDB type for {t}")


def json_columns(schema: pa.Schema) -> dict[str, str]:
    """``columns`` for DuckDB's ``read_json``: every column of ``schema`` with its type."""
    return {f.name: duckdb_type(f.type) for f in schema}
