"""Join the items and assets that several sources describe into one row each.

Sources bound by ``item_key`` in ``sources.yaml`` derive the same item ID (and the same asset ID
for the same asset name) for one example: a video's boxes from one tool, its transcript from
another. Assembly then holds one row per source for that item or asset. This module folds them
into the first one (in import order): NULL fields are filled from the later rows, ``attributes``
are merged key by key (the first value of a key wins). Media metadata must agree: a later row
whose width, height, duration, fps or length differs from the value already taken is not
folded in but quarantined with reason ``conflicting_media``, naming both values, so a conflict
is reported, never silently resolved. Rows repeated within one source are left alone here (they
are ``duplicate_id``s).
"""

from __future__ import annotations

import duckdb
import orjson

from labelrelease.model.jsonutil import dumps
from labelrelease.model.schema import SCHEMAS, primary_key
from labelrelease.model.sink import SEQ, SOURCE
from labelrelease.model.sql import ident

MEDIA_FIELDS = {"width": 0.0, "height": 0.0, "duration_s": 0.001, "fps": 0.001, "n_chars": 0.0}
"""Asset fields that must agree across sources, with the difference tolerated."""

SHARED_TABLES = ("items", "assets")
"""Tables whose rows sources may share."""


def merge_shared(con: duckdb.DuckDBPyConnection, table: str, quarantine: str = "q") -> int:
    """Fold rows of ``table`` that other sources repeat into the first; returns how many rows
    were folded in (they count as taken). Conflicting asset rows go to ``quarantine``."""
    if table not in SHARED_TABLES:
        return 0
    t, key, seq, src = ident(table), ident(primary_key(table)), ident(SEQ), ident(SOURCE)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE shared AS
        SELECT *, first_value({seq}) OVER w AS first_seq, first_value({src}) OVER w AS first_src
        FROM {t} WHERE {key} IN (
            SELECT {key} FROM {t} GROUP BY {key} HAVING count(DISTINCT {src}) > 1)
        WINDOW w AS (PARTITION BY {key} ORDER BY {seq})"""
    )
    if table == "assets":
        _quarantine_conflicts(con, quarantine)
    # Later rows of other sources fold into the first row of their key.
    folded = con.execute(
        f"SELECT count(*) FROM shared WHERE {src} <> first_src AND {seq} <> first_seq"
    ).fetchone()
    n = int(folded[0]) if folded else 0
    if not n:
        return 0
    fill = [
        f.name
        for f in SCHEMAS[table]
        if f.name not in (primary_key(table), "attributes", "source", "source_ref")
        and not f.name.endswith("_id")
    ]
    sets = ", ".join(f"{ident(c)} = coalesce({t}.{ident(c)}, agg.{ident(c)})" for c in fill)
    firsts = ", ".join(
        f"first({ident(c)} ORDER BY {seq}) FILTER (WHERE {ident(c)} IS NOT NULL) AS {ident(c)}"
        for c in fill
    )
    later = f"{src} <> first_src AND {seq} <> first_seq"
    con.execute(
        f"""UPDATE {t} SET {sets}
        FROM (SELECT first_seq, {firsts} FROM shared WHERE {later} GROUP BY first_seq) AS agg
        WHERE {t}.{seq} = agg.first_seq"""
    )
    _merge_attributes(con, table)
    con.execute(f"DELETE FROM {t} WHERE {seq} IN (SELECT {seq} FROM shared WHERE {later})")
    return n


def _quarantine_conflicts(con: duckdb.DuckDBPyConnection, quarantine: str) -> None:
    """Quarantine later asset rows whose media metadata differs from the value taken first."""
    seq, src = ident(SEQ), ident(SOURCE)
    tests, names = [], []
    for name, tolerance in MEDIA_FIELDS.items():
        c = ident(name)
        ref = f"first_value({c} IGNORE NULLS) OVER (PARTITION BY asset_id ORDER BY {seq})"
        tests.append(
            f"CASE WHEN {c} IS NOT NULL AND abs({c} - {ref}) > {tolerance} THEN '{name}' END"
        )
        names.append(
            f"CASE WHEN {c} IS NOT NULL AND abs({c} - {ref}) > {tolerance} "
            f"THEN '{name}: ' || {ref} || ' (' || first_src || ') vs ' || {c} END"
        )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE conflicts AS
        SELECT * FROM (
            SELECT {seq}, {src}, source_ref, asset_id,
                   coalesce({", ".join(tests)}) AS field,
                   concat_ws('; ', {", ".join(names)}) AS detail
            FROM shared WHERE {src} <> first_src OR {seq} = first_seq)
        WHERE field IS NOT NULL"""
    )
    con.execute(
        f"""INSERT INTO {ident(quarantine)} (record_kind, source, source_ref, reason_code, field,
               message, excerpt, {src}, {seq})
        SELECT 'assets', {src}, source_ref, 'conflicting_media', field,
               'asset ' || asset_id || ' is described by several sources that disagree ('
               || detail || '); the first value was kept and this record was set aside: '
               || 'fix the metadata in one of the exports', NULL, {src}, {seq}
        FROM conflicts"""
    )
    con.execute(f"DELETE FROM assets WHERE {seq} IN (SELECT {seq} FROM conflicts)")
    con.execute(f"DELETE FROM shared WHERE {seq} IN (SELECT {seq} FROM conflicts)")


def _merge_attributes(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Merge the ``attributes`` of folded rows into the first row, key by key (first wins).

    Only rows of shared keys that carry attributes are read here: a handful per bound item.
    """
    t, seq, src = ident(table), ident(SEQ), ident(SOURCE)
    rows = con.execute(
        f"""SELECT first_seq, list(attributes ORDER BY {seq}) FROM shared
        WHERE attributes IS NOT NULL AND ({src} <> first_src OR {seq} = first_seq)
        GROUP BY first_seq HAVING bool_or({seq} <> first_seq)"""
    ).fetchall()
    for first_seq, texts in rows:
        merged: dict[str, object] = {}
        for text in texts:
            for k, v in orjson.loads(text).items():
                merged.setdefault(k, v)
        con.execute(f"UPDATE {t} SET attributes = ? WHERE {seq} = ?", [dumps(merged), first_seq])
