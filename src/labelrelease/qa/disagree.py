"""Disagreement by type, from the matches of every pair of passes over one item.

An *object* is a match (both passes saw it) or an unmatched label (one pass saw it). Rates:

- presence: unmatched objects / objects;
- class: matches whose classes differ / matches with a class on both sides;
- text: matches whose normalised texts differ / matches with a text on either side (spans
  excepted: their text is their offsets);
- schema: objects where exactly one side breaks the row contract / objects;
- link: drawn links (origin ``rule`` excluded: pull derives those) whose two ends are both
  matched in the other pass, and which the other pass does not draw between the matched ends
  with the same relation / all such links.
"""

from __future__ import annotations

from typing import Any

import duckdb

from labelrelease.qa.match import COMPARED_KINDS

NORMALISE = "trim(regexp_replace(regexp_replace(lower({t}), '[\\pP\\pS]', '', 'g'), '\\s+', ' ', 'g'))"

OBJECTS_SQL = """
CREATE OR REPLACE TABLE objects AS
WITH m AS (
    SELECT p.item_id, p.a1, p.a2, p.pair_type, p.pair_name, m.kind, m.l1, m.l2,
        x1.class AS c1, x2.class AS c2, x1.text AS t1, x2.text AS t2
    FROM matches m JOIN pairs p USING (a1, a2)
    JOIN lab x1 ON x1.label_id = m.l1 JOIN lab x2 ON x2.label_id = m.l2
),
one AS (  -- labels of a1 without a match in the pair, then of a2
    SELECT p.item_id, p.a1, p.a2, p.pair_type, p.pair_name, x.kind, x.label_id AS l1,
        NULL::VARCHAR AS l2
    FROM pairs p JOIN lab x ON x.annotation_id = p.a1
    WHERE NOT EXISTS (SELECT 1 FROM matches m WHERE m.a1 = p.a1 AND m.a2 = p.a2
                      AND m.l1 = x.label_id)
    UNION ALL
    SELECT p.item_id, p.a1, p.a2, p.pair_type, p.pair_name, x.kind, NULL, x.label_id
    FROM pairs p JOIN lab x ON x.annotation_id = p.a2
    WHERE NOT EXISTS (SELECT 1 FROM matches m WHERE m.a1 = p.a1 AND m.a2 = p.a2
                      AND m.l2 = x.label_id)
)
SELECT m.item_id, a1, a2, pair_type, pair_name, kind, l1, l2, true AS matched,
    c1 IS NOT NULL AND c2 IS NOT NULL AS class_compared,
    c1 IS NOT NULL AND c2 IS NOT NULL AND c1 <> c2 AS class_differs,
    kind <> 'span' AND (t1 IS NOT NULL OR t2 IS NOT NULL) AS text_compared,
    kind <> 'span' AND (t1 IS NOT NULL OR t2 IS NOT NULL)
        AND {n1} IS DISTINCT FROM {n2} AS text_differs,
    CASE WHEN kind <> 'span' AND (t1 IS NOT NULL OR t2 IS NOT NULL) THEN
        CASE WHEN {n1} IS NOT DISTINCT FROM {n2} THEN 1.0
             WHEN t1 IS NULL OR t2 IS NULL THEN 0.0
             ELSE 1.0 - levenshtein(left({n1}, 2000), left({n2}, 2000))
                  / greatest(length(left({n1}, 2000)), length(left({n2}, 2000)), 1) END
    END AS text_similarity
FROM m
UNION ALL
SELECT item_id, a1, a2, pair_type, pair_name, kind, l1, l2, false, false, false, false, false,
    NULL
FROM one
"""

LINKS_SQL = """
CREATE OR REPLACE TABLE link_cmp AS
WITH lk AS (SELECT annotation_id, from_label_id AS f, to_label_id AS t, relation
            FROM links WHERE origin <> 'rule'),
fwd AS (  -- links of a1, mapped into a2
    SELECT p.pair_type, p.pair_name, p.item_id, p.a1, p.a2, mf.l2 AS f, mt.l2 AS t, l.relation,
        1 AS side
    FROM pairs p JOIN lk l ON l.annotation_id = p.a1
    JOIN matches mf ON mf.a1 = p.a1 AND mf.a2 = p.a2 AND mf.l1 = l.f
    JOIN matches mt ON mt.a1 = p.a1 AND mt.a2 = p.a2 AND mt.l1 = l.t
),
bwd AS (  -- links of a2, mapped into a1
    SELECT p.pair_type, p.pair_name, p.item_id, p.a1, p.a2, mf.l1 AS f, mt.l1 AS t, l.relation,
        2 AS side
    FROM pairs p JOIN lk l ON l.annotation_id = p.a2
    JOIN matches mf ON mf.a1 = p.a1 AND mf.a2 = p.a2 AND mf.l2 = l.f
    JOIN matches mt ON mt.a1 = p.a1 AND mt.a2 = p.a2 AND mt.l2 = l.t
)
SELECT x.*, EXISTS (SELECT 1 FROM lk o WHERE o.annotation_id = x.a2 AND o.f = x.f AND o.t = x.t
                    AND o.relation = x.relation) AS agrees
FROM fwd x
UNION ALL
SELECT y.*, EXISTS (SELECT 1 FROM lk o WHERE o.annotation_id = y.a1 AND o.f = y.f AND o.t = y.t
                    AND o.relation = y.relation)
FROM bwd y
"""

SUMMARY_SQL = """
SELECT {group},
    count(*) AS objects,
    count(*) FILTER (matched) AS matched,
    count(*) FILTER (NOT matched) AS presence_n,
    count(*) FILTER (class_compared) AS class_compared,
    count(*) FILTER (class_differs) AS class_n,
    count(*) FILTER (text_compared) AS text_compared,
    count(*) FILTER (text_differs) AS text_n,
    avg(text_similarity) AS text_similarity,
    count(*) FILTER (schema_differs) AS schema_n
FROM (
    SELECT o.*, pr.modality,
        (coalesce(i1.bad, false) <> coalesce(i2.bad, false)) AS schema_differs
    FROM objects o
    LEFT JOIN (SELECT label_id, true AS bad FROM invalid) i1 ON i1.label_id = o.l1
    LEFT JOIN (SELECT label_id, true AS bad FROM invalid) i2 ON i2.label_id = o.l2
    LEFT JOIN (SELECT l.label_id, a.modality FROM labels l LEFT JOIN assets a USING (asset_id))
        pr ON pr.label_id = coalesce(o.l1, o.l2)
) GROUP BY ALL ORDER BY ALL
"""

LINK_SUMMARY_SQL = """
SELECT {group}, count(*) AS link_compared, count(*) FILTER (NOT agrees) AS link_n,
    count(*) FILTER (agrees AND side = 1) AS link_agreed
FROM link_cmp GROUP BY ALL ORDER BY ALL
"""

GROUPS = {
    "overall": "'all' AS scope",
    "by_kind": "coalesce(modality, 'none') AS modality, kind",
    "by_pair": "pair_type, pair_name",
    "by_pair_type": "pair_type",
}
LINK_GROUPS = {"overall": "'all' AS scope", "by_pair": "pair_type, pair_name",
               "by_pair_type": "pair_type"}


def build_objects(con: duckdb.DuckDBPyConnection) -> None:
    """Tables ``objects`` (matches and unmatched labels per pair) and ``link_cmp``."""
    n1, n2 = NORMALISE.format(t="t1"), NORMALISE.format(t="t2")
    con.execute(OBJECTS_SQL.format(n1=n1, n2=n2))
    con.execute(LINKS_SQL)


def summarise(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Disagreement counts and rates per group (overall, per modality and kind, per pair)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, group in GROUPS.items():
        rows = _dicts(con, SUMMARY_SQL.format(group=group))
        links = {}
        if name in LINK_GROUPS:
            for row in _dicts(con, LINK_SUMMARY_SQL.format(group=LINK_GROUPS[name])):
                key = tuple(v for k, v in row.items() if not k.startswith("link_"))
                links[key] = row
        for row in rows:
            key = tuple(
                v for k, v in row.items() if k in ("scope", "pair_type", "pair_name")
            )
            link = links.get(key, {})
            row["link_compared"] = link.get("link_compared", 0)
            row["link_n"] = link.get("link_n", 0)
            _rates(row)
        out[name] = rows
    return out


def _rates(row: dict[str, Any]) -> None:
    row["presence"] = _ratio(row["presence_n"], row["objects"])
    row["class"] = _ratio(row["class_n"], row["class_compared"])
    row["text"] = _ratio(row["text_n"], row["text_compared"])
    row["schema"] = _ratio(row["schema_n"], row["objects"])
    row["link"] = _ratio(row["link_n"], row["link_compared"])
    if row.get("text_similarity") is not None:
        row["text_similarity"] = round(float(row["text_similarity"]), 4)


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 6) if d else None


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


__all__ = ["COMPARED_KINDS", "build_objects", "summarise"]
