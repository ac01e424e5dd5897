"""Krippendorff's alpha (nominal) in DuckDB SQL over a ``(unit, coder, value)`` relation.

With m_uv the number of values v in unit u and n_u = sum_v m_uv (only units with n_u >= 2
are pairable), the coincidence totals give

    D_o = sum_u (n_u^2 - sum_v m_uv^2) / (n_u - 1)
    n_v = sum_u m_uv,  n = sum_v n_v
    alpha = 1 - (n - 1) * D_o / (n^2 - sum_v n_v^2)

which is the nominal alpha of Krippendorff (2011), the same figure as the ``krippendorff``
package's ``alpha(..., level_of_measurement="nominal")``.
"""

from __future__ import annotations

import duckdb

ALPHA_SQL = """
WITH cell AS (
    SELECT unit, value, count(*) AS m FROM {rel} WHERE value IS NOT NULL GROUP BY unit, value
),
unit AS (
    SELECT unit, sum(m) AS n_u, sum(m * m) AS sq FROM cell GROUP BY unit HAVING sum(m) >= 2
),
obs AS (SELECT sum((n_u * n_u - sq) / (n_u - 1)) AS d_o, sum(n_u) AS n FROM unit),
marg AS (
    SELECT sum(nv * nv) AS sq FROM (
        SELECT c.value, sum(c.m) AS nv FROM cell c JOIN unit u USING (unit) GROUP BY c.value)
)
SELECT obs.d_o, obs.n, marg.sq FROM obs, marg
"""

UNIT_TABLES = frozenset({"alpha_tags", "alpha_input"})


def nominal_alpha(con: duckdb.DuckDBPyConnection, relation: str) -> float | None:
    """Alpha of the values in ``relation`` (a QA table with columns unit, coder, value); None
    when there is no pairable unit or no variation at all."""
    if relation not in UNIT_TABLES:
        raise ValueError(f"not an alpha table: {relation}")
    row = con.execute(ALPHA_SQL.format(rel=relation)).fetchone()
    if row is None or row[1] is None:
        return None
    d_o, n, sq = float(row[0]), float(row[1]), float(row[2])
    d_e = n * n - sq
    if d_e == 0:
        return None
    return 1.0 - (n - 1) * d_o / d_e


TAGS_SQL = """
CREATE OR REPLACE TABLE alpha_tags AS
SELECT l.inum::VARCHAR || chr(31) || l.asset_id || chr(31) || l.control AS unit,
    l.an AS coder, string_agg(l.class, '|' ORDER BY l.class) AS value
FROM lab l SEMI JOIN (SELECT an1 AS an FROM pairs UNION SELECT an2 FROM pairs) p USING (an)
WHERE l.kind = 'tag'
GROUP BY ALL
"""

CLASSES_SQL = """
WITH m AS (  -- the two classes of every matched pair of non-tag labels, both set
    SELECT c1, c2 FROM matches WHERE kind <> 'tag' AND c1 IS NOT NULL AND c2 IS NOT NULL
),
v AS (SELECT c, count(*) AS nv FROM (SELECT c1 AS c FROM m UNION ALL SELECT c2 FROM m) GROUP BY c)
SELECT (SELECT count(*) FROM m), (SELECT count(*) FILTER (c1 <> c2) FROM m),
    (SELECT sum(nv * nv) FROM v)
"""


def pair_alpha(units: int, differ: int, sum_sq: float) -> float | None:
    """Nominal alpha when every unit has exactly two values: ``units`` units, ``differ`` of
    them with two different values, ``sum_sq`` the sum over values of their count squared.
    Each unit adds 2 to D_o when its values differ, 0 otherwise, and n = 2 * units; the same
    figure as :func:`nominal_alpha` on the (unit, coder, value) rows, without building them."""
    n = 2.0 * units
    d_e = n * n - sum_sq
    if units == 0 or d_e == 0:
        return None
    return 1.0 - (n - 1) * (2.0 * differ) / d_e


def alphas(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    """Alpha of tags (unit: item, asset and control; a pass's value: its sorted tag set) and
    of classes (unit: a matched label pair of two passes; the two classes)."""
    con.execute(TAGS_SQL)
    tags = nominal_alpha(con, "alpha_tags")
    ((units, differ, sum_sq),) = con.execute(CLASSES_SQL).fetchall()
    classes = pair_alpha(int(units), int(differ or 0), float(sum_sq or 0))
    return {
        k: None if v is None else round(v, 6) for k, v in (("tags", tags), ("classes", classes))
    }
