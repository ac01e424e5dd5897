"""Disagreement between two passes over one item, from the ``matches`` of :mod:`.match`.

Table ``units`` has one row per matched label pair and one per label matched on one side only,
for every pair of passes (``pairs``), on the kinds the pair compares (``pairs.kinds``):

- **presence**: a label matched on one side only (share of all units);
- **class**: matched, classes differ (share of matched units);
- **text**: matched, both or one side carry text and the normalised texts differ (lower case,
  Unicode NFC, whitespace collapsed); ``text_sim`` is 1 - Levenshtein distance / longer length;
- **schema**: exactly one side breaks the row contract (table ``invalid(label_id)``).

Table ``link_units`` has one row per link (``origin`` human or model; links a rule derived are
left out) whose two ends are both matched in the other pass; it is a disagreement when the
other pass has no link of the same relation between the matched ends.
"""

from __future__ import annotations

from typing import Any

import duckdb

NORM = "lower(trim(regexp_replace(nfc_normalize({0}), '\\s+', ' ', 'g')))"

UNITS_SQL = """
CREATE OR REPLACE TABLE units AS  -- the matched pairs of labels; then each side's unmatched
WITH matched_raw AS (
    SELECT m.an1, m.an2, m.modality, m.kind, m.l1, m.l2,
        m.c1 IS DISTINCT FROM m.c2 AS class_diff,
        m.t1 IS NOT NULL AS has1, m.t2 IS NOT NULL AS has2,
        {n1} AS n1, {n2} AS n2,
        (v1.label_id IS NOT NULL) <> (v2.label_id IS NOT NULL) AS schema_diff
    FROM matches m
    LEFT JOIN invalid v1 ON v1.label_id = m.l1 LEFT JOIN invalid v2 ON v2.label_id = m.l2
)
-- narrow: one row per unit with its pair's numbers; the pair's item, ids and names are
-- joined from ``pairs`` after aggregating, once per pair rather than once per unit
SELECT an1, an2, modality, kind, l1, l2, 'matched' AS status, class_diff,
    CASE WHEN NOT has1 AND NOT has2 THEN NULL ELSE n1 IS DISTINCT FROM n2 END AS text_diff,
    CASE WHEN NOT has1 AND NOT has2 THEN NULL
         WHEN NOT has1 OR NOT has2 THEN 0.0
         WHEN n1 = n2 THEN 1.0
         ELSE 1.0 - levenshtein(left(n1, 2000), left(n2, 2000))
             / greatest(length(left(n1, 2000)), length(left(n2, 2000)), 1)
         END AS text_sim,
    schema_diff
FROM matched_raw
"""

ONE_SIDED_SQL = """
INSERT INTO units  -- the labels of side {side} without a match in the pair, on its kinds
WITH pk AS (SELECT an1, an2, kinds FROM pairs)  -- narrow: the join keeps it in memory
SELECT p.an1, p.an2, x.modality, x.kind, {l1}, {l2}, 'only_{side}', NULL, NULL, NULL,
    v.label_id IS NOT NULL
FROM lab x JOIN pk p ON p.an{side} = x.an
ANTI JOIN matches m ON m.an1 = p.an1 AND m.an2 = p.an2 AND m.l{side} = x.label_id
LEFT JOIN invalid v ON v.label_id = x.label_id
WHERE p.kinds IS NULL OR list_contains(p.kinds, x.kind)
"""
"""One statement per side (fixed SQL text): as one statement with the matched pairs, the
three hash joins ran at once and ran out of memory at 10M labels with a 1GB DuckDB limit."""

LINK_UNITS_SQL = """
CREATE OR REPLACE TABLE link_units AS
WITH lk AS (
    SELECT annotation_id, from_label_id AS f, to_label_id AS t, relation
    FROM links WHERE origin <> 'rule'
),
side1 AS (  -- links of pass 1 mapped into pass 2
    SELECT p.a1, p.a2, p.an1, p.an2, k.relation, mf.l2 AS f, mt.l2 AS t, k.f AS f0
    FROM pairs p JOIN lk k ON k.annotation_id = p.a1
    JOIN matches mf ON mf.an1 = p.an1 AND mf.an2 = p.an2 AND mf.l1 = k.f
    JOIN matches mt ON mt.an1 = p.an1 AND mt.an2 = p.an2 AND mt.l1 = k.t
),
side2 AS (  -- links of pass 2 mapped into pass 1
    SELECT p.a1, p.a2, p.an1, p.an2, k.relation, mf.l1 AS f, mt.l1 AS t, k.f AS f0
    FROM pairs p JOIN lk k ON k.annotation_id = p.a2
    JOIN matches mf ON mf.an1 = p.an1 AND mf.an2 = p.an2 AND mf.l2 = k.f
    JOIN matches mt ON mt.an1 = p.an1 AND mt.an2 = p.an2 AND mt.l2 = k.t
),
u AS (
    SELECT s.*, 'side_1' AS side, NOT EXISTS (
        SELECT 1 FROM lk k WHERE k.annotation_id = s.a2 AND k.f = s.f AND k.t = s.t
          AND k.relation = s.relation) AS link_diff
    FROM side1 s
    UNION ALL
    SELECT s.*, 'side_2' AS side, NOT EXISTS (
        SELECT 1 FROM lk k WHERE k.annotation_id = s.a1 AND k.f = s.f AND k.t = s.t
          AND k.relation = s.relation) AS link_diff
    FROM side2 s
)
-- an agreeing link appears once from each side: count it once
SELECT u.an1, u.an2, coalesce(l.modality, 'none') AS modality, 'link' AS kind, u.relation,
    u.link_diff
FROM u LEFT JOIN lab l ON l.label_id = u.f0
WHERE u.side = 'side_1' OR u.link_diff
"""

GROUPS_SQL = """
CREATE OR REPLACE TEMP TABLE unit_groups AS  -- the counts per pair, modality and kind
SELECT an1, an2, modality, kind,
    count(*) FILTER (NOT is_link) AS units,
    count(*) FILTER (status = 'matched') AS matched,
    count(*) FILTER (status IN ('only_1', 'only_2')) AS presence_n,
    count(*) FILTER (class_diff) AS class_n,
    count(*) FILTER (text_diff) AS text_n,
    count(text_diff) AS text_units,
    sum(text_sim) AS text_sim_sum,
    count(*) FILTER (schema_diff) AS schema_n,
    count(*) FILTER (is_link) AS link_units,
    count(*) FILTER (link_diff) AS link_n
FROM (
    SELECT an1, an2, modality, kind, status, class_diff, text_diff, text_sim, schema_diff,
        false AS is_link, NULL::BOOLEAN AS link_diff
    FROM units
    UNION ALL
    SELECT an1, an2, modality, kind, 'link', NULL, NULL, NULL, NULL, true, link_diff
    FROM link_units
)
GROUP BY an1, an2, modality, kind
"""

FIGURES = """
    sum(units)::BIGINT AS units,
    sum(matched)::BIGINT AS matched,
    sum(presence_n)::BIGINT AS presence_n,
    sum(class_n)::BIGINT AS class_n,
    sum(text_n)::BIGINT AS text_n,
    sum(text_units)::BIGINT AS text_units,
    sum(text_sim_sum) / nullif(sum(text_units), 0) AS text_similarity,
    sum(schema_n)::BIGINT AS schema_n,
    sum(link_units)::BIGINT AS link_units,
    sum(link_n)::BIGINT AS link_n
"""
"""The report's counts of a group of ``unit_groups`` rows (joined with ``pairs``)."""

GROUPED = "unit_groups JOIN pairs USING (an1, an2)"

GROUPINGS = {
    "overall": "'all'",
    "by_pair_type": "pair_type",
    "by_pair": "pair_name",
    "by_modality_kind": "modality || '/' || kind",
}
"""Group keys of the disagreement report (fixed SQL text), over ``unit_groups``."""


def build_units(con: duckdb.DuckDBPyConnection) -> None:
    """Tables ``units``, ``link_units`` and their counts per pair, modality and kind
    ``unit_groups`` (needs ``pairs``, ``lab``, ``matches``, ``invalid``)."""
    con.execute(UNITS_SQL.format(n1=NORM.format("m.t1"), n2=NORM.format("m.t2")))
    con.execute(ONE_SIDED_SQL.format(side=1, l1="x.label_id", l2="NULL"))
    con.execute(ONE_SIDED_SQL.format(side=2, l1="NULL", l2="x.label_id"))
    con.execute(LINK_UNITS_SQL)
    con.execute(GROUPS_SQL)


def rates(row: dict[str, Any]) -> dict[str, Any]:
    """Counts of one group turned into the reported figures (shares in [0, 1], None when the
    group has nothing to compare)."""

    def share(n: str, d: str) -> float | None:
        return round(row[n] / row[d], 6) if row[d] else None

    sim = row["text_similarity"]
    return {
        "units": row["units"],
        "matched": row["matched"],
        "presence": share("presence_n", "units"),
        "class": share("class_n", "matched"),
        "text": share("text_n", "text_units"),
        "text_similarity": None if sim is None else round(float(sim), 6),
        "schema": share("schema_n", "units"),
        "link": share("link_n", "link_units"),
        "link_units": row["link_units"],
        "counts": {
            "presence": row["presence_n"],
            "class": row["class_n"],
            "text": row["text_n"],
            "schema": row["schema_n"],
            "link": row["link_n"],
        },
    }


def disagreement(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The disagreement report: overall, per pair type, per annotator pair, per modality/kind."""
    report: dict[str, Any] = {}
    for name, key in GROUPINGS.items():
        result = con.execute(f"SELECT {key} AS g, {FIGURES} FROM {GROUPED} GROUP BY g ORDER BY g")
        cols = [d[0] for d in result.description]
        rows = [dict(zip(cols, r, strict=True)) for r in result.fetchall()]
        groups = {str(r["g"]): rates(r) for r in rows}
        report[name] = groups.get("all", rates(_empty())) if name == "overall" else groups
    return report


def model_disagreements(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Items where two model passes disagree (presence, class or text), worst first."""
    result = con.execute(
        f"""
        SELECT * FROM (
            SELECT item_id, pair_name, {FIGURES} FROM {GROUPED}
            WHERE pair_type = 'model-model' GROUP BY item_id, pair_name
        )
        WHERE presence_n + class_n + text_n + link_n > 0
        ORDER BY presence_n + class_n + text_n + link_n DESC, item_id, pair_name
        """
    )
    cols = [d[0] for d in result.description]
    return [dict(zip(cols, r, strict=True)) for r in result.fetchall()]


def _empty() -> dict[str, Any]:
    keys = ("units", "matched", "presence_n", "class_n", "text_n", "text_units", "schema_n")
    return {k: 0 for k in keys} | {"text_similarity": None, "link_units": 0, "link_n": 0}
