"""The stable stratified QA sample (DESIGN §7), in DuckDB SQL.

An item is in the sample iff a 64-bit hash of (seed, item_id) — the first 16 hex digits of an
MD5, read as an unsigned integer and divided by 2^64 — falls under its rate. The hash does not
depend on the other items, so the same items stay in the sample as the dataset grows, and new
items join by the same rule; no sort and no window over the whole table is needed.

Reasons of inclusion, first that applies: ``gold`` (every gold item), ``changed`` (an item new
or changed since the last release, at ``changed_rate``), ``prelabelled`` (an item with model
pre-labels, at ``prelabelled_rate``), ``rate`` (its stratum's rate), ``min`` (the stratum has
fewer than ``min_per_stratum`` hits: its smallest hashes fill it). ``max_per_stratum`` caps
every stratum (gold items excepted), keeping its smallest hashes.
"""

from __future__ import annotations

import duckdb

from labelrelease.contract.model import ReviewPolicy
from labelrelease.qa.settings import QASettings

DIMENSION_SQL = {
    "modality": "f.modality",
    "class": "f.class",
    "origin": "f.origin",
    "language": "f.language",
}
"""SQL of each stratum dimension (fixed text: params only choose among these keys)."""

TWO_POW_64 = "18446744073709551616.0"

FACTS_SQL = """
CREATE OR REPLACE TABLE facts AS
WITH counted AS (  -- one scan of the labels: counts per item, asset and (stratum) class
    SELECT item_id, asset_id,
        CASE WHEN kind NOT IN ('text', 'number', 'datetime') THEN class END AS class,
        count(*) AS n, bool_or(origin IN ('prelabel', 'prelabel_edited')) AS pre
    FROM labels GROUP BY ALL
),
lab AS (
    SELECT c.item_id, a.modality, c.class, c.n, c.pre
    FROM counted c LEFT JOIN assets a ON a.asset_id = c.asset_id
),
modal AS (  -- the modality with most labels (ties: the first by name), and pre-labels
    SELECT item_id,
        arg_min(modality, {{'k': -n, 'm': modality}}) FILTER (modality IS NOT NULL) AS modality,
        bool_or(pre) AS prelabelled
    FROM (
        SELECT item_id, modality, sum(n) AS n, bool_or(pre) AS pre FROM lab GROUP BY ALL
        UNION ALL
        SELECT item_id, modality, 0, false FROM assets
    ) GROUP BY item_id
),
cls AS (  -- the class with most labels (ties: the first by name)
    SELECT item_id, arg_min(class, {{'k': -n, 'm': class}}) AS class
    FROM (SELECT item_id, class, sum(n) AS n FROM lab WHERE class IS NOT NULL GROUP BY ALL)
    GROUP BY item_id
),
ann AS (
    SELECT item_id,
        bool_or(origin = 'model') AS has_model,
        bool_or(prelabeled_from IS NOT NULL) AS from_prediction,
        bool_or(annotator IS NOT NULL AND origin = 'human') AS has_human,
        count(*) FILTER (status <> 'cancelled') AS passes  -- annotation ids are unique
    FROM annotations GROUP BY item_id
),
media AS (
    SELECT item_id,
        bool_or(modality IN ('image', 'video')) AS visual,
        bool_or(modality IN ('text', 'document', 'audio')) AS textual
    FROM assets GROUP BY item_id
)
SELECT
    i.item_id,
    i.is_gold,
    coalesce(m.modality, 'none') AS modality,
    coalesce(c.class, 'none') AS class,
    CASE WHEN coalesce(m.prelabelled, false) OR coalesce(a.from_prediction, false)
         THEN 'prelabelled'
         WHEN coalesce(a.has_model, false) THEN 'model'
         ELSE 'human' END AS origin,
    coalesce(i.language, 'und') AS language,
    coalesce(m.prelabelled, false) OR coalesce(a.from_prediction, false) AS prelabelled,
    coalesce(md.visual, false) AS visual,
    coalesce(md.textual, false) AS textual,
    coalesce(a.passes, 0) AS passes,
    CAST(('0x' || left(md5($seed || chr(31) || i.item_id), 16)) AS UBIGINT)
        / {two64} AS u,
    CAST(('0x' || left(md5($seed || chr(31) || 'blind' || chr(31) || i.item_id), 16))
        AS UBIGINT) / {two64} AS ub
FROM items i
LEFT JOIN modal m USING (item_id)
LEFT JOIN cls c USING (item_id)
LEFT JOIN ann a USING (item_id)
LEFT JOIN media md USING (item_id)
"""

SAMPLE_SQL = """
CREATE OR REPLACE TABLE sample AS
WITH f AS (
    SELECT f.*, f.stratum IS NOT DISTINCT FROM pv.stratum AS kept,
        coalesce(f.stratum IS NOT DISTINCT FROM pv.stratum AND pv.reason = 'min', false)
            AS kept_min
    FROM (
        SELECT f.*, {stratum} AS stratum, ch.item_id IS NOT NULL AS changed
        FROM facts f LEFT JOIN changed ch USING (item_id)
    ) f LEFT JOIN previous pv USING (item_id)
),
hits AS (
    SELECT *,
        CASE WHEN is_gold THEN 'gold'
             WHEN changed AND u < $changed_rate THEN 'changed'
             WHEN prelabelled AND u < $prelabelled_rate THEN 'prelabelled'
             WHEN u < $rate THEN 'rate' END AS reason
    FROM f
),
capped AS (  -- hits, at most max_per_stratum non-gold ones per stratum: the ones the last
             -- release's sample holds first, then the smallest hashes
    SELECT * FROM hits WHERE reason IS NOT NULL
    QUALIFY reason = 'gold'
        OR row_number() OVER (PARTITION BY stratum, reason = 'gold'
                              ORDER BY kept DESC, u, item_id) <= $max_per_stratum
),
carried AS (  -- the last release's minimum fill, kept
    SELECT *, 'min' AS fill_reason FROM hits WHERE reason IS NULL AND kept_min
),
short AS (  -- strata with fewer items so far than min_per_stratum
    SELECT stratum, count(*) AS n FROM (
        SELECT stratum FROM capped UNION ALL SELECT stratum FROM carried
    ) GROUP BY stratum
),
filled AS (  -- their smallest hashes that are not in yet
    SELECT h.*, 'min' AS fill_reason FROM hits h LEFT JOIN short s USING (stratum)
    WHERE h.reason IS NULL AND NOT h.kept_min AND coalesce(s.n, 0) < $min_per_stratum
    QUALIFY row_number() OVER (PARTITION BY h.stratum ORDER BY h.u, h.item_id)
        <= $min_per_stratum - coalesce(s.n, 0)
),
chosen AS (
    SELECT item_id, stratum, reason, visual, textual, ub FROM capped
    UNION ALL
    SELECT item_id, stratum, fill_reason, visual, textual, ub FROM carried
    UNION ALL
    SELECT item_id, stratum, fill_reason, visual, textual, ub FROM filled
)
SELECT
    item_id,
    stratum,
    CASE WHEN $split_passes THEN
        CASE WHEN visual AND textual THEN 'both'
             WHEN visual THEN 'visual'
             WHEN textual THEN 'text'
             ELSE $fallback_pass END
    ELSE $fallback_pass END AS pass,
    ub < $blind_share AS blind,
    reason
FROM chosen
ORDER BY item_id
"""


def build_sample(
    con: duckdb.DuckDBPyConnection, settings: QASettings, policy: ReviewPolicy
) -> None:
    """Tables ``facts`` (one row per item: stratum dimensions, flags, hashes) and ``sample``
    (item_id, stratum, pass, blind, reason). Needs a ``changed(item_id)`` table."""
    con.execute(FACTS_SQL.format(two64=TWO_POW_64), {"seed": settings.seed})
    parts = [DIMENSION_SQL[d] for d in settings.strata] or ["'all'"]
    stratum = "concat_ws(' | ', " + ", ".join(parts) + ")"
    split = "visual" in policy.passes and "text" in policy.passes
    con.execute(
        SAMPLE_SQL.format(stratum=stratum),
        {
            "changed_rate": settings.changed_rate,
            "prelabelled_rate": settings.prelabelled_rate,
            "rate": settings.rate,
            "max_per_stratum": settings.max_per_stratum,
            "min_per_stratum": settings.min_per_stratum,
            "split_passes": split,
            "fallback_pass": "text" if split else policy.passes[0],
            "blind_share": settings.blind_share,
        },
    )


def strata_table(con: duckdb.DuckDBPyConnection, settings: QASettings) -> list[dict[str, object]]:
    """Per stratum: items, sampled items, and sampled items per reason."""
    parts = [DIMENSION_SQL[d] for d in settings.strata] or ["'all'"]
    stratum = "concat_ws(' | ', " + ", ".join(parts) + ")"
    rows = con.execute(
        f"""
        SELECT f.stratum, count(*) AS items, count(s.item_id) AS sampled,
            count(*) FILTER (s.reason = 'gold') AS gold,
            count(*) FILTER (s.reason = 'changed') AS changed,
            count(*) FILTER (s.reason = 'prelabelled') AS prelabelled,
            count(*) FILTER (s.reason = 'rate') AS rate,
            count(*) FILTER (s.reason = 'min') AS "min",
            count(*) FILTER (s.blind) AS blind
        FROM (SELECT item_id, {stratum} AS stratum FROM facts f) f
        LEFT JOIN sample s USING (item_id)
        GROUP BY f.stratum ORDER BY f.stratum
        """
    ).fetchall()
    names = ("stratum", "items", "sampled", "gold", "changed", "prelabelled", "rate", "min")
    return [dict(zip((*names, "blind"), row, strict=True)) for row in rows]
