"""The bundle's tables, written from the input views in a fixed order (DuckDB → pyarrow)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from labelrelease.model.schema import SCHEMAS
from labelrelease.model.sql import ident
from labelrelease.release.diff import CHANGES, ORDERED
from labelrelease.release.files import write_query

POLICY_COLUMN = "relabel_policy"
"""Column added to a bundle's ``labels``: NULL, ``review`` or ``relabel`` (labels whose policy
is ``filter`` are not in the bundle; migrate keeps them in ``filtered_labels.parquet``)."""

BUNDLE_LABELS = SCHEMAS["labels"].append(pa.field(POLICY_COLUMN, pa.string()))
BUNDLE_SCHEMAS: dict[str, pa.Schema] = {
    **{name: SCHEMAS[name] for name in ("items", "assets", "annotations")},
    "labels": BUNDLE_LABELS,
    "links": SCHEMAS["links"],
    "changes": CHANGES,
}
"""Schemas of the bundle's tables (the canonical ones, plus ``relabel_policy`` on labels)."""


def _cols(table: str, alias: str = "t", skip: tuple[str, ...] = ()) -> str:
    return ", ".join(f"{alias}.{ident(f.name)}" for f in SCHEMAS[table] if f.name not in skip)


def bundle_views(
    con: duckdb.DuckDBPyConnection, split: dict[str, Any], has_parent: bool
) -> set[str]:
    """Views ``b_<table>``: what goes into the bundle (policy applied, splits assigned).

    Returns the tables whose view reads one input table with no join (a join does not keep
    DuckDB's row order): those keep the input's order, so when the input is sorted by key they
    can be written without a sort (see :func:`write_tables`). Labels join the relabel queue
    only when it is not empty; links are filtered only when some label is filtered."""
    plain = {"assets", "annotations"}
    ((queued, filtered),) = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE policy = 'filter') FROM policy"
    ).fetchall()
    if queued:
        con.execute(
            "CREATE TEMP VIEW b_labels AS SELECT "
            f"{_cols('labels')}, p.policy AS {POLICY_COLUMN} "
            "FROM new_labels t LEFT JOIN policy p ON p.label_id = t.label_id "
            "WHERE p.policy IS DISTINCT FROM 'filter'"
        )
    else:
        con.execute(
            "CREATE TEMP VIEW b_labels AS SELECT "
            f"{_cols('labels')}, NULL::VARCHAR AS {POLICY_COLUMN} FROM new_labels t"
        )
        plain.add("labels")
    if filtered:
        con.execute(
            "CREATE TEMP VIEW b_links AS SELECT "
            f"{_cols('links')} FROM new_links t "
            "WHERE NOT EXISTS (SELECT 1 FROM policy p WHERE p.policy = 'filter' "
            "AND p.label_id IN (t.from_label_id, t.to_label_id))"
        )
    else:
        con.execute(f"CREATE TEMP VIEW b_links AS SELECT {_cols('links')} FROM new_links t")
        plain.add("links")
    for table in ("assets", "annotations"):
        con.execute(f"CREATE TEMP VIEW b_{table} AS SELECT {_cols(table)} FROM new_{table} t")
    _items_view(con, split, has_parent)
    return plain


def _items_view(con: duckdb.DuckDBPyConnection, split: dict[str, Any], has_parent: bool) -> None:
    """Stable splits: the parent release's split, else the item's own, else a hash rule
    (md5 of the item id, or of the group key attribute, so a group shares a split)."""
    names = list(split["ratios"])
    total = float(sum(split["ratios"].values())) or 1.0
    bounds, acc = [], 0.0
    for name in names[:-1]:
        acc += float(split["ratios"][name]) / total
        bounds.append(acc)
    cases = " ".join(f"WHEN u < $b{i} THEN $s{i}" for i in range(len(bounds)))
    rule = f"CASE {cases} ELSE $s{len(bounds)} END" if bounds else f"$s{len(bounds)}"
    key = (
        "coalesce(json_extract_string(t.attributes, $group), t.item_id)"
        if split["group"]
        else "t.item_id"
    )
    parent_join = "LEFT JOIN old_items o ON o.item_id = t.item_id" if has_parent else ""
    parent = "o.split" if has_parent else "NULL::VARCHAR"
    sql = (
        f"CREATE TEMP TABLE b_items AS SELECT {_cols('items', skip=('split',))}, "
        f"coalesce(t.parent_split, t.split, {rule}) AS split FROM ("
        f"SELECT t.*, {parent} AS parent_split, "
        f"('0x' || left(md5({key}), 8))::UBIGINT / 4294967296.0 AS u "
        f"FROM new_items t {parent_join}) t"
    )
    params: dict[str, Any] = {f"s{i}": n for i, n in enumerate(names)}
    params.update({f"b{i}": b for i, b in enumerate(bounds)})
    if split["group"]:
        params["group"] = "$." + str(split["group"])
    con.execute(sql, params)


def write_tables(
    con: duckdb.DuckDBPyConnection, bundle: Path, plain: Collection[str] = ()
) -> tuple[dict[str, int], list[str]]:
    """Write the five tables sorted by key; returns rows per file name and the tables that
    needed no sort.

    A table in ``plain`` (its view keeps the input's row order) is first written in that
    order while each key is checked to be above the one before; the inputs come sorted
    (pull and migrate write every table ordered by key), so the sort is skipped. At the first
    key out of order the write stops and the table is written again with ``ORDER BY``: the
    bytes are the same either way."""
    rows: dict[str, int] = {}
    unsorted: list[str] = []
    for table in ("items", "assets", "annotations", "labels", "links"):
        schema = BUNDLE_SCHEMAS[table]
        cols = ", ".join(
            ident(f.name) if f.name != POLICY_COLUMN else POLICY_COLUMN for f in schema
        )
        key = schema.field(0).name
        path = bundle / f"{table}.parquet"
        if table in plain:
            sql = f"SELECT {cols} FROM b_{table}"
            n = write_query(con, sql, None, schema, path, increasing=key)
            if n is not None:
                rows[path.name] = n
                unsorted.append(table)
                continue
        sql = f"SELECT {cols} FROM b_{table} ORDER BY {ident(key)}"
        n = write_query(con, sql, None, schema, path)
        assert n is not None
        rows[path.name] = n
    return rows, unsorted


def write_changes(con: duckdb.DuckDBPyConnection, bundle: Path) -> int:
    """Write ``changes.parquet`` from the temp table ``diff`` (or an empty one)."""
    n = write_query(con, ORDERED, None, CHANGES, bundle / "changes.parquet")
    assert n is not None
    return n
