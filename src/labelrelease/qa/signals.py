"""Gold scores per annotator and pre-label signals, over ``units`` / ``link_units``.

Gold reference: on an item flagged gold (``items.is_gold``), the reference annotation is the one
marked ground truth (``attributes.ground_truth``, Label Studio's flag), else its ``accepted``
annotation; among several, the latest by ``created_at``, then the smallest ``annotation_id``. A
gold item without such an annotation is counted but not scored. Every other pass on the item is
scored against it: presence precision (its labels matched in the reference / its labels),
presence recall (reference labels matched / reference labels), class accuracy and text
accuracy (over matched labels) and link accuracy (over links whose ends are matched).
"""

from __future__ import annotations

from typing import Any

import duckdb

GOLD_REF_SQL = """
CREATE OR REPLACE TABLE gold_ref AS
WITH a AS (
    SELECT a.*, coalesce(json_extract_string(a.attributes, '$.ground_truth') = 'true', false)
        AS truth
    FROM annotations a JOIN items i USING (item_id)
    WHERE i.is_gold AND a.status <> 'cancelled'
)
SELECT item_id, first(annotation_id ORDER BY truth DESC, created_at DESC NULLS LAST,
    annotation_id) AS annotation_id
FROM a WHERE truth OR status = 'accepted'
GROUP BY item_id
"""

GOLD_SQL = """
WITH u AS (
    SELECT u.*, p.item_id, CASE WHEN g.annotation_id = p.a1 THEN 2 ELSE 1 END AS side,
        CASE WHEN g.annotation_id = p.a1 THEN p.who2 ELSE p.who1 END AS who
    FROM units u JOIN pairs p ON p.an1 = u.an1 AND p.an2 = u.an2
    JOIN gold_ref g ON g.item_id = p.item_id AND g.annotation_id IN (p.a1, p.a2)
),
l AS (
    SELECT CASE WHEN g.annotation_id = p.a1 THEN p.who2 ELSE p.who1 END AS who, k.link_diff
    FROM link_units k JOIN pairs p ON p.an1 = k.an1 AND p.an2 = k.an2
    JOIN gold_ref g ON g.item_id = p.item_id AND g.annotation_id IN (p.a1, p.a2)
),
s AS (
    SELECT who,
        count(DISTINCT item_id) AS items,
        count(*) FILTER (status = 'matched') AS matched,
        count(*) FILTER (status = 'matched' OR status = 'only_' || side) AS own,
        count(*) FILTER (status = 'matched' OR status = 'only_' || (3 - side)) AS ref,
        count(*) FILTER (status = 'matched' AND NOT class_diff) AS class_ok,
        count(text_diff) AS text_n,
        count(*) FILTER (NOT text_diff) AS text_ok
    FROM u GROUP BY who
),
sl AS (SELECT who, count(*) AS n, count(*) FILTER (NOT link_diff) AS ok FROM l GROUP BY who)
SELECT s.who, s.items,
    s.matched / nullif(s.own, 0) AS precision,
    s.matched / nullif(s.ref, 0) AS recall,
    s.class_ok / nullif(s.matched, 0) AS class_accuracy,
    s.text_ok / nullif(s.text_n, 0) AS text_accuracy,
    sl.ok / nullif(sl.n, 0) AS link_accuracy
FROM s LEFT JOIN sl USING (who) ORDER BY s.who
"""

PRELABEL_SQL = """
SELECT coalesce(m.model, 'unknown') AS model, coalesce(l.class, '') AS class,
    count(*) AS prelabels,
    count(*) FILTER (l.origin = 'prelabel') AS unchanged,
    count(*) FILTER (l.origin = 'prelabel') / count(*) AS accepted_unchanged
FROM labels l JOIN annotations a USING (annotation_id)
LEFT JOIN annotations m ON m.annotation_id = a.prelabeled_from
WHERE l.origin IN ('prelabel', 'prelabel_edited')
GROUP BY ALL ORDER BY model, class
"""

ANCHORING_SQL = """
SELECT s.blind, count(*) AS units,
    count(*) FILTER (u.status <> 'matched' OR u.class_diff OR u.text_diff)
        / nullif(count(*), 0) AS disagreement
FROM units u JOIN pairs p USING (an1, an2) JOIN sample s ON s.item_id = p.item_id
WHERE p.pair_type = 'human-model'
GROUP BY s.blind ORDER BY s.blind
"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    result = con.execute(sql)
    cols = [d[0] for d in result.description]
    return [dict(zip(cols, r, strict=True)) for r in result.fetchall()]


def _round(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: round(v, 6) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


def gold_scores(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Per annotator (or model) scores against the gold reference, and the gold items seen."""
    con.execute(GOLD_REF_SQL)
    per = _round(_rows(con, GOLD_SQL))
    counts = con.execute(
        "SELECT count(*) FILTER (is_gold), count(g.item_id) "
        "FROM items i LEFT JOIN gold_ref g USING (item_id)"
    ).fetchone()
    gold, scored = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    return {"items": gold, "with_reference": scored, "per_annotator": per}


def prelabel_signals(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Share of pre-labels kept unchanged (overall and per model and class) and the
    human-vs-model disagreement on blind vs pre-labelled sampled items (anchoring)."""
    per = _round(_rows(con, PRELABEL_SQL))
    total = sum(r["prelabels"] for r in per)
    kept = sum(r["unchanged"] for r in per)
    anchoring = {
        ("blind" if r["blind"] else "prelabelled"): r["disagreement"]
        for r in _round(_rows(con, ANCHORING_SQL))
    }
    return {
        "prelabels": total,
        "accepted_unchanged": round(kept / total, 6) if total else None,
        "per_model_class": per,
        "anchoring": anchoring,
    }
