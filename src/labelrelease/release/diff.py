"""The typed diff of two releases, in DuckDB (DESIGN §8).

Reads the views ``o_*`` (the parent) and ``n_*`` (the new release) of items, annotations,
labels and links and, when present,
``mig_changes`` (migrate's changed cells), ``mig_filtered`` (labels a migration filtered) and
``relabel`` (the relabel queue), and fills the temp table ``diff`` with one row per changed
field: ``entity`` (item, label, link), ``record_id``, ``item_id``, ``change``, ``field``,
``class``, ``old``/``new`` (JSON text) and ``cause`` (a migration id, ``relabel`` or
``source``). Only the changed labels are materialised, so a 1 % change of 10M labels stays small.
"""

from __future__ import annotations

import pyarrow as pa

from labelrelease.model.sql import ident

CHANGE_KINDS = (
    "added",
    "removed",
    "class_changed",
    "geometry_moved",
    "time_shifted",
    "span_shifted",
    "text_edited",
    "attribute_changed",
    "status_changed",
)
"""Kinds of change of a label; items and links are only ``added`` or ``removed``."""

FIELD_KINDS: dict[str, str] = {
    "class": "class_changed",
    **{
        f: "geometry_moved"
        for f in ("x", "y", "w", "h", "rotation", "points", "mask_rle", "mask_format", "keyframes")
    },
    **{f: "time_shifted" for f in ("t_start", "t_end", "frame_start", "frame_end")},
    **{f: "span_shifted" for f in ("char_start", "char_end")},
    "text": "text_edited",
    **{
        f: "attribute_changed"
        for f in ("kind", "number", "score", "origin", "attributes", "asset_id")
    },
    "relabel_policy": "status_changed",
}
"""Which kind of change a changed label column is."""

GEOMETRY_TOLERANT = ("x", "y", "w", "h", "rotation")
TIME_TOLERANT = ("t_start", "t_end")

CHANGES = pa.schema(
    [
        pa.field("entity", pa.string(), nullable=False),
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string()),
        pa.field("change", pa.string(), nullable=False),
        pa.field("field", pa.string()),
        pa.field("class", pa.string()),
        pa.field("old", pa.string()),
        pa.field("new", pa.string()),
        pa.field("cause", pa.string(), nullable=False),
    ]
)
"""Schema of ``changes.parquet`` in a bundle."""


def _q(field: str) -> str:
    """A compared column, quoted (``relabel_policy`` is a bundle column, not a canonical one)."""
    return '"relabel_policy"' if field == "relabel_policy" else ident(field)


def _differs(field: str) -> str:
    col = _q(field)
    if field in GEOMETRY_TOLERANT or field in TIME_TOLERANT:
        tol = "$geo_tol" if field in GEOMETRY_TOLERANT else "$time_tol"
        return f"((o.{col} IS NULL) <> (n.{col} IS NULL) OR abs(o.{col} - n.{col}) > {tol})"
    return f"(o.{col} IS DISTINCT FROM n.{col})"


def _label_sql(fields: list[str]) -> list[str]:
    """Statements that fill ``diff`` from the label tables: one full outer join of the two
    releases keeps the labels added, removed or changed in a compared column."""
    any_diff = " OR ".join(_differs(f) for f in fields)
    pairs = ", ".join(f"o.{_q(f)} AS {_o(f)}, n.{_q(f)} AS {_n(f)}" for f in fields)
    both = "o_id IS NOT NULL AND n_id IS NOT NULL"
    per_field = [
        f"SELECT 'label', label_id, item_id, '{FIELD_KINDS[f]}', '{f}', class, "
        f"to_json({_o(f)})::VARCHAR, to_json({_n(f)})::VARCHAR, old_policy "
        f"FROM changed WHERE {both} AND {_differs_pair(f)}"
        for f in fields
    ]
    cols = ", ".join(_q(f) for f in fields)
    return [
        # candidates first, on (id, hash of the compared columns) only, so the join of two
        # releases of 10M labels holds two narrow columns rather than every compared one;
        # a label whose columns differ has a different hash (a 64-bit collision aside), and
        # a candidate that differs only within the tolerances is dropped below
        f"""CREATE TEMP TABLE candidate AS
        SELECT coalesce(o.label_id, n.label_id) AS label_id
        FROM (SELECT label_id, hash({cols}) AS h FROM o_labels) o
        FULL OUTER JOIN (SELECT label_id, hash({cols}) AS h FROM n_labels) n
          ON o.label_id = n.label_id
        WHERE o.label_id IS NULL OR n.label_id IS NULL OR o.h <> n.h""",
        f"""CREATE TEMP TABLE changed AS
        SELECT coalesce(n.label_id, o.label_id) AS label_id,
               coalesce(n.item_id, o.item_id) AS item_id,
               coalesce(n.class, o.class) AS class, o.relabel_policy AS old_policy,
               o.label_id AS o_id, n.label_id AS n_id, {pairs}
        FROM (SELECT * FROM o_labels SEMI JOIN candidate USING (label_id)) o
        FULL OUTER JOIN (SELECT * FROM n_labels SEMI JOIN candidate USING (label_id)) n
          ON o.label_id = n.label_id
        WHERE o.label_id IS NULL OR n.label_id IS NULL OR {any_diff}""",
        "INSERT INTO diff_raw " + " UNION ALL ".join(per_field),
        """INSERT INTO diff_raw
        SELECT 'label', n.label_id, n.item_id, 'status_changed', 'status', n.class,
               to_json(a.old)::VARCHAR, to_json(a.new)::VARCHAR, o.relabel_policy
        FROM n_labels n JOIN ann_changed a ON n.annotation_id = a.annotation_id
        JOIN o_labels o ON o.label_id = n.label_id""",
        """INSERT INTO diff_raw
        SELECT 'label', label_id, item_id, 'added', NULL, class, NULL, NULL, NULL
        FROM changed WHERE o_id IS NULL""",
        """INSERT INTO diff_raw
        SELECT 'label', label_id, item_id, 'removed', NULL, class, NULL, NULL, old_policy
        FROM changed WHERE n_id IS NULL""",
    ]


def _o(field: str) -> str:
    return _q(field)[:-1] + '__old"'


def _n(field: str) -> str:
    return _q(field)[:-1] + '__new"'


def _differs_pair(field: str) -> str:
    o, n = _o(field), _n(field)
    if field in GEOMETRY_TOLERANT or field in TIME_TOLERANT:
        tol = "$geo_tol" if field in GEOMETRY_TOLERANT else "$time_tol"
        return f"(({o} IS NULL) <> ({n} IS NULL) OR abs({o} - {n}) > {tol})"
    return f"({o} IS DISTINCT FROM {n})"


_ENTITY_SQL = [
    """CREATE TEMP TABLE ann_changed AS
    SELECT o.annotation_id, o.status AS old, n.status AS new
    FROM o_annotations o JOIN n_annotations n ON o.annotation_id = n.annotation_id
    WHERE o.status IS DISTINCT FROM n.status""",
    # one full outer join per table: the records on one side only
    """INSERT INTO diff_raw
    SELECT 'item', coalesce(n.item_id, o.item_id), coalesce(n.item_id, o.item_id),
           CASE WHEN o.item_id IS NULL THEN 'added' ELSE 'removed' END,
           NULL, NULL, NULL, NULL, NULL
    FROM o_items o FULL OUTER JOIN n_items n ON o.item_id = n.item_id
    WHERE o.item_id IS NULL OR n.item_id IS NULL""",
    """INSERT INTO diff_raw
    SELECT 'link', coalesce(n.link_id, o.link_id),
           CASE WHEN o.link_id IS NULL THEN n.item_id ELSE o.item_id END,
           CASE WHEN o.link_id IS NULL THEN 'added' ELSE 'removed' END, NULL,
           CASE WHEN o.link_id IS NULL THEN n.relation ELSE o.relation END,
           NULL, NULL, NULL
    FROM o_links o FULL OUTER JOIN n_links n ON o.link_id = n.link_id
    WHERE o.link_id IS NULL OR n.link_id IS NULL""",
]

_CAUSE_SQL = """
CREATE TEMP TABLE diff AS
SELECT d.entity, d.record_id, d.item_id, d.change, d.field, d.class, d.old, d.new,
       coalesce(m.cause, f.cause,
                CASE WHEN d.entity = 'label' AND d.old_policy IS NOT NULL THEN 'relabel' END,
                'source') AS cause
FROM diff_raw d
LEFT JOIN mig_cause m ON d.entity = 'label' AND m.label_id = d.record_id AND m.field = d.field
LEFT JOIN filter_cause f ON d.change = 'removed' AND d.entity = 'label'
                        AND f.label_id = d.record_id
"""

ORDERED = "SELECT * FROM diff ORDER BY entity, record_id, change, field NULLS FIRST"
"""The diff in its fixed order (the order of ``changes.parquet``)."""


def run_diff(con: object, fields: list[str], geo_tol: float, time_tol: float) -> None:
    """Fill the temp table ``diff`` (see the module doc); the cause views must exist:
    ``mig_cause(label_id, field, cause)`` and ``filter_cause(label_id, cause)``."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    con.execute(
        "CREATE TEMP TABLE diff_raw (entity VARCHAR, record_id VARCHAR, item_id VARCHAR, "
        "change VARCHAR, field VARCHAR, class VARCHAR, old VARCHAR, new VARCHAR, "
        "old_policy VARCHAR)"
    )
    for sql in _ENTITY_SQL:
        con.execute(sql)
    for sql in _label_sql(fields):
        params = {}
        if "$geo_tol" in sql:
            params["geo_tol"] = geo_tol
        if "$time_tol" in sql:
            params["time_tol"] = time_tol
        con.execute(sql, params)
    con.execute(_CAUSE_SQL)


COMPARED = [f for f in FIELD_KINDS]
"""Label columns the diff compares (``relabel_policy`` only exists in bundles)."""
