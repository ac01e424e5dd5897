"""Krippendorff's alpha (nominal), in DuckDB SQL over a (unit, coder, value) relation.

o_ck = Σ_u (n_uc·n_uk − [c=k]·n_uc) / (m_u − 1) over units with m_u ≥ 2 values; n_c = Σ_k o_ck;
α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k. The same formula as the ``krippendorff``
package's nominal level (the tests compare the two).
"""

from __future__ import annotations

import duckdb

ALPHA_SQL = """
WITH v AS (SELECT unit, value FROM {source} WHERE value IS NOT NULL),
m AS (SELECT unit, count(*) AS mu FROM v GROUP BY unit HAVING count(*) >= 2),
nuc AS (SELECT unit, value, count(*) AS n FROM v JOIN m USING (unit) GROUP BY unit, value),
pairs AS (  -- Σ_u over c≠k of n_uc·n_uk/(m_u − 1)
    SELECT sum(a.n * b.n / (m.mu - 1)) AS d_o
    FROM nuc a JOIN nuc b ON a.unit = b.unit AND a.value <> b.value JOIN m ON m.unit = a.unit
),
nc AS (SELECT value, sum(n) AS n FROM nuc GROUP BY value),
tot AS (SELECT sum(n) AS n, sum(n * n) AS n2 FROM nc)
SELECT tot.n, pairs.d_o, tot.n * tot.n - tot.n2 AS d_e FROM tot, pairs
"""


def nominal_alpha(con: duckdb.DuckDBPyConnection, source: str) -> float | None:
    """Alpha of the relation named ``source`` (columns unit, coder, value); None when no unit
    has two values or every value is the same."""
    row = con.execute(ALPHA_SQL.format(source=source)).fetchone()
    if row is None or row[0] is None or row[2] in (None, 0):
        return None
    n, d_o, d_e = float(row[0]), float(row[1] or 0.0), float(row[2])
    return 1.0 - (n - 1.0) * d_o / d_e


TAG_UNITS_SQL = """
CREATE OR REPLACE TEMP VIEW alpha_tags AS
SELECT item_id || chr(31) || asset_id || chr(31) || control AS unit, annotation_id AS coder,
    string_agg(class, '|' ORDER BY class) AS value
FROM lab WHERE kind = 'tag' AND annotation_id IN (SELECT annotation_id FROM annotations
                                                   WHERE status <> 'cancelled')
GROUP BY ALL
"""

CLASS_UNITS_SQL = """
CREATE OR REPLACE TEMP VIEW alpha_classes AS
SELECT a1 || chr(31) || l1 || chr(31) || l2 AS unit, 1 AS coder, x.class AS value
FROM objects o JOIN lab x ON x.label_id = o.l1
WHERE o.matched AND o.kind <> 'tag' AND o.class_compared
UNION ALL
SELECT a1 || chr(31) || l1 || chr(31) || l2, 2, x.class
FROM objects o JOIN lab x ON x.label_id = o.l2
WHERE o.matched AND o.kind <> 'tag' AND o.class_compared
"""


def alphas(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    """Alpha of tags (unit: item, asset and control; value: the set of classes a pass chose)
    and of classes (unit: a matched pair of non-tag labels; value: each side's class)."""
    con.execute(TAG_UNITS_SQL)
    con.execute(CLASS_UNITS_SQL)
    return {
        "tags": _round(nominal_alpha(con, "alpha_tags")),
        "classes": _round(nominal_alpha(con, "alpha_classes")),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
