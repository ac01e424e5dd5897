"""Identifiers in SQL: only names of the canonical model, always quoted.

Values are always bound as parameters; identifiers cannot be, so every table or column name
that goes into SQL text passes :func:`ident`, which accepts only names from an allow-list.
"""

from __future__ import annotations

from labelrelease.model.schema import SCHEMAS
from labelrelease.model.sink import SEQ, SOURCE

ALLOWED = frozenset(
    {*SCHEMAS, "q", SEQ, SOURCE} | {field.name for schema in SCHEMAS.values() for field in schema}
)


def ident(name: str) -> str:
    """``name`` quoted as a SQL identifier, if it is a name of the canonical model."""
    if name not in ALLOWED:
        raise ValueError(f"{name!r} is not an identifier of the canonical model")
    return '"' + name.replace('"', '""') + '"'
