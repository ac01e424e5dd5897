"""Matching the labels of two passes over one item, per asset and kind.

Candidate pairs and their similarity are computed in DuckDB; only the label of one pass meets
the labels of the other pass of the same item, asset and kind, so the work grows with the
labels per item, never with the dataset squared. A candidate whose two labels have no other
candidate is a match outright (SQL). The rest — groups where one label could match several —
are fetched fully and solved per group with the Hungarian method
(:func:`scipy.optimize.linear_sum_assignment`, maximising total similarity), which is optimal
one-to-one matching where a greedy pass is not.

Similarity per kind (a candidate needs at least its threshold):

- box, ellipse, polygon, polyline, keypoint: IoU of axis-aligned extents (an ellipse by its
  radii, a polygon or polyline by the bounding box of its points, a keypoint as a 10 px square);
  boxes on video frames only meet boxes on the same frame.
- time_span, frame_span, track: temporal IoU of [start, end] (frames count inclusive).
- span: IoU of the character offsets [char_start, char_end).
- tag: same control (``attributes.control``); 1 for the same class, 0.5 otherwise, so a tag
  set to another class is a class disagreement, not two presence disagreements.
- text, number, datetime: same class (which text it is: caption, transcript) and, where both
  sides sit on a time or character range, the IoU of those ranges.
- mask: not matched (counted as ``not_compared``).

Which passes are compared: every two passes over one item from one export file (one labelling
task) on every kind; two passes from different files only on the kinds both files hold. A
WebVTT transcript (``text``) and an RTTM of the same recording (``time_span``) are two tasks
with no kind in common and are not a pair; a reviewed pass imported with ``qa import`` is
compared with the original on the kinds the review holds too.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from labelrelease.qa.settings import QASettings

REGION_KINDS = ("box", "ellipse", "polygon", "polyline", "keypoint")
TEMPORAL_KINDS = ("time_span", "frame_span", "track")
SLOT_KINDS = ("tag", "text", "number", "datetime")
COMPARED_KINDS = (*REGION_KINDS, *TEMPORAL_KINDS, "span", *SLOT_KINDS)
KEYPOINT_SIZE = 10.0

PASSES_SQL = """
CREATE OR REPLACE TEMP TABLE passes AS
-- one row per compared pass, numbered: ``an`` ranks annotation_id, ``inum`` numbers the items,
-- so the joins below compare integers where they would compare 20-odd-character strings (the
-- order of ``an`` is that of annotation_id: a pair's first pass is still the smaller id)
WITH a AS (
    SELECT annotation_id, item_id, origin,
        CASE WHEN origin = 'human' THEN coalesce(annotator, 'anonymous')
             ELSE 'model:' || coalesce(model, 'unnamed') END AS who,
        split_part(source_ref, '#', 1) AS file,
        dense_rank() OVER (ORDER BY annotation_id)::INTEGER AS an
    FROM annotations WHERE status <> 'cancelled' AND item_id IS NOT NULL
),
i AS (SELECT item_id, min(an) AS first, max(an) AS last FROM a GROUP BY item_id),
n AS (SELECT *, row_number() OVER ()::INTEGER AS inum FROM i)  -- any order: only compared
-- the labels of an item's last pass can only be second in a pair (can1 false), those of its
-- first pass only first (can2 false)
SELECT a.*, n.inum, a.an <> n.last AS can1, a.an <> n.first AS can2
FROM a JOIN n USING (item_id)
"""

PAIRS_SQL = """
CREATE OR REPLACE TABLE pairs AS
WITH p AS (
    SELECT a1.item_id, a1.annotation_id AS a1, a2.annotation_id AS a2, a1.an AS an1,
        a2.an AS an2, a1.who AS who1, a2.who AS who2, a1.file AS f1, a2.file AS f2,
        CASE WHEN a1.origin = 'human' AND a2.origin = 'human' THEN 'human-human'
             WHEN a1.origin = 'model' AND a2.origin = 'model' THEN 'model-model'
             ELSE 'human-model' END AS pair_type,
        least(a1.who, a2.who) || ' ~ ' || greatest(a1.who, a2.who) AS pair_name
    FROM passes a1 JOIN passes a2 ON a1.inum = a2.inum AND a1.an < a2.an
),
cross_files AS (SELECT f1 AS file FROM p WHERE f1 <> f2 UNION SELECT f2 FROM p WHERE f1 <> f2),
scope AS (  -- the kinds each export file of a cross-file pair holds, anywhere in it
    SELECT a.file, list(DISTINCT l.kind ORDER BY l.kind) AS kinds
    FROM passes a SEMI JOIN cross_files c ON c.file = a.file
    JOIN lab l ON l.an = a.an
    GROUP BY a.file
)
SELECT item_id, a1, a2, an1, an2, who1, who2, pair_type, pair_name,
    -- NULL: one export file, one labelling task, every kind compared; else the kinds both
    -- files hold (a WebVTT transcript and an RTTM of one recording share none)
    CASE WHEN f1 <> f2 THEN list_intersect(s1.kinds, s2.kinds) END AS kinds
FROM p LEFT JOIN scope s1 ON s1.file = p.f1 LEFT JOIN scope s2 ON s2.file = p.f2
WHERE f1 = f2 OR len(list_intersect(s1.kinds, s2.kinds)) > 0
"""

ASSETS_SQL = """
CREATE OR REPLACE TEMP TABLE asset_no AS  -- assets numbered, for the same reason as passes
SELECT asset_id, modality, dense_rank() OVER (ORDER BY asset_id)::INTEGER AS asn FROM assets
"""

LAB_SQL = """
CREATE OR REPLACE TABLE lab AS
WITH base AS (
    SELECT l.label_id, a.an, a.inum,
        coalesce(l.asset_id, '') AS asset_id,
        -- 0: no asset; -1: an asset not in the assets table (compared by its id)
        CASE WHEN l.asset_id IS NULL THEN 0 ELSE coalesce(s.asn, -1) END AS asn,
        l.kind, l.class, l.text, l.frame_start AS frame,
        CASE WHEN l.kind = 'tag'  -- only tags are compared by control: parse no other JSON
             THEN coalesce(json_extract_string(l.attributes, '$.control'), '') END AS control,
        CASE WHEN l.kind IN ('polygon', 'polyline')
             THEN list_filter(l.points, lambda v, i: i % 2 = 1) END AS px,
        CASE WHEN l.kind IN ('polygon', 'polyline')
             THEN list_filter(l.points, lambda v, i: i % 2 = 0) END AS py,
        l.x, l.y, l.w, l.h, l.t_start, l.t_end, l.frame_start, l.frame_end,
        l.char_start, l.char_end, l.keyframes, coalesce(s.modality, 'none') AS modality,
        a.can1, a.can2
    FROM labels l  -- labels of comparable kinds, with the numbers of their pass and item
    JOIN passes a ON a.annotation_id = l.annotation_id
    LEFT JOIN asset_no s ON s.asset_id = l.asset_id
    WHERE l.kind IN ({kinds})
)
SELECT label_id, an, inum, asset_id, asn, kind, class, text, control,
    modality, can1, can2,
    CASE WHEN kind = 'box' AND (frame_start IS NOT NULL) THEN frame END AS frame,
    CASE WHEN kind = 'box' THEN x WHEN kind = 'ellipse' THEN x - w
         WHEN kind = 'keypoint' THEN x - {kp} / 2 ELSE list_min(px) END AS x0,
    CASE WHEN kind = 'box' THEN y WHEN kind = 'ellipse' THEN y - h
         WHEN kind = 'keypoint' THEN y - {kp} / 2 ELSE list_min(py) END AS y0,
    CASE WHEN kind = 'box' THEN x + w WHEN kind = 'ellipse' THEN x + w
         WHEN kind = 'keypoint' THEN x + {kp} / 2 ELSE list_max(px) END AS x1,
    CASE WHEN kind = 'box' THEN y + h WHEN kind = 'ellipse' THEN y + h
         WHEN kind = 'keypoint' THEN y + {kp} / 2 ELSE list_max(py) END AS y1,
    CASE WHEN kind = 'span' THEN char_start
         WHEN kind = 'frame_span' THEN frame_start
         WHEN kind = 'track' THEN coalesce(frame_start, list_min([k.frame FOR k IN keyframes]))
         WHEN t_start IS NOT NULL THEN t_start
         ELSE char_start END AS s0,
    CASE WHEN kind = 'span' THEN char_end
         WHEN kind = 'frame_span' THEN frame_end + 1
         WHEN kind = 'track' THEN coalesce(frame_end, list_max([k.frame FOR k IN keyframes])) + 1
         WHEN t_start IS NOT NULL THEN t_end
         ELSE char_end END AS s1,
    CASE WHEN kind IN ('text', 'number', 'datetime') THEN
        CASE WHEN t_start IS NOT NULL THEN 't' WHEN char_start IS NOT NULL THEN 'c' ELSE '' END
    END AS pos
FROM base
"""

CAND_SQL = """
CREATE OR REPLACE TABLE cand AS
WITH j AS (
    SELECT l1.an AS an1, l2.an AS an2, l1.asset_id, l1.kind, l1.label_id AS l1,
        l2.label_id AS l2,
        -- what the units and the classes' alpha compare, carried so they need not join
        -- the labels again
        l1.class AS c1, l2.class AS c2, l1.text AS t1, l2.text AS t2, l1.modality,
        CASE
        WHEN l1.kind IN ({regions}) THEN (
            greatest(0, least(l1.x1, l2.x1) - greatest(l1.x0, l2.x0))
            * greatest(0, least(l1.y1, l2.y1) - greatest(l1.y0, l2.y0))
        ) / nullif(
            (l1.x1 - l1.x0) * (l1.y1 - l1.y0) + (l2.x1 - l2.x0) * (l2.y1 - l2.y0)
            - greatest(0, least(l1.x1, l2.x1) - greatest(l1.x0, l2.x0))
              * greatest(0, least(l1.y1, l2.y1) - greatest(l1.y0, l2.y0)), 0)
        WHEN l1.kind = 'tag' THEN CASE WHEN l1.class = l2.class THEN 1.0 ELSE 0.5 END
        WHEN l1.kind IN ({slots}) AND l1.pos = '' THEN 1.0
        WHEN l1.s0 = l1.s1 AND l2.s0 = l2.s1 THEN CASE WHEN l1.s0 = l2.s0 THEN 1.0 ELSE 0.0 END
        ELSE greatest(0, least(l1.s1, l2.s1) - greatest(l1.s0, l2.s0))
            / nullif(greatest(l1.s1, l2.s1) - least(l1.s0, l2.s0), 0)
        END AS sim
    -- two passes over one item (the rows of ``pairs``), labels of one asset and kind
    -- (each side only the labels that can be on it: half of each at two passes per item)
    FROM (FROM lab WHERE can1) l1 JOIN (FROM lab WHERE can2) l2
        ON l2.inum = l1.inum AND l2.asn = l1.asn AND l2.kind = l1.kind AND l1.an < l2.an
    WHERE (l1.asn >= 0 OR l1.asset_id = l2.asset_id)
      AND (l1.kind <> 'tag' OR l1.control = l2.control)
      AND (l1.kind NOT IN ({slots}) OR l1.kind = 'tag'
           OR (l1.class IS NOT DISTINCT FROM l2.class AND l1.pos = l2.pos))
      AND l1.frame IS NOT DISTINCT FROM l2.frame
)
SELECT * FROM j
-- at or above the threshold and above 0 (5e-324: the smallest positive double), in one
-- comparison: DuckDB would compute sim once more for a second one
WHERE sim >= greatest(5e-324, CASE WHEN kind IN ({regions}) THEN $iou
                                   WHEN kind IN ({temporal}) THEN $tiou
                                   WHEN kind = 'span' THEN $span
                                   WHEN kind IN ('text', 'number', 'datetime') THEN $tiou
                                   ELSE 0.5 END)
"""

MATCH_COLUMNS = ("an1", "an2", "asset_id", "kind", "l1", "l2", "sim")
"""The key columns of ``cand`` and ``matches``: the two passes by number (``passes.an``; the
annotation ids come from ``pairs``), asset, kind, the two labels and their similarity."""
MATCH_ATTRIBUTES = ("c1", "c2", "t1", "t2", "modality")
"""Carried in the ``matches`` table for the units: the classes and texts of both labels, the
modality of the first."""

MULTI_SQL = """
CREATE OR REPLACE TEMP TABLE multi AS  -- labels with more than one candidate in their pair
SELECT an1, an2, l1 AS label_id FROM cand GROUP BY an1, an2, l1 HAVING count(*) > 1
UNION ALL
SELECT an1, an2, l2 FROM cand GROUP BY an1, an2, l2 HAVING count(*) > 1
"""

TRIVIAL_SQL = """
CREATE OR REPLACE TABLE matches AS  -- both labels each other's only candidate
SELECT {cols} FROM cand c
ANTI JOIN multi m1 ON m1.an1 = c.an1 AND m1.an2 = c.an2 AND m1.label_id = c.l1
ANTI JOIN multi m2 ON m2.an1 = c.an1 AND m2.an2 = c.an2 AND m2.label_id = c.l2
"""

COUNTED_SQL = """
CREATE OR REPLACE TEMP TABLE cand_n AS  -- the rest, with their candidates per label (all of
-- a label's candidates are here when it has several)
SELECT c.*, count(*) OVER (PARTITION BY an1, an2, l1) AS n1,
    count(*) OVER (PARTITION BY an1, an2, l2) AS n2
FROM cand c
WHERE EXISTS (FROM multi m WHERE m.an1 = c.an1 AND m.an2 = c.an2 AND m.label_id = c.l1)
   OR EXISTS (FROM multi m WHERE m.an1 = c.an1 AND m.an2 = c.an2 AND m.label_id = c.l2)
"""

UNIFORM_SQL = """
CREATE OR REPLACE TEMP TABLE uniform AS
SELECT an1, an2, asset_id, kind FROM cand_n WHERE n1 > 1 OR n2 > 1
GROUP BY ALL
HAVING count(*) = count(DISTINCT l1) * count(DISTINCT l2) AND min(sim) = max(sim)
"""

UNIFORM_MATCHES_SQL = """
INSERT INTO matches
WITH r AS (
    SELECT c.*,
        dense_rank() OVER (PARTITION BY an1, an2, asset_id, kind ORDER BY l1) AS r1,
        dense_rank() OVER (PARTITION BY an1, an2, asset_id, kind ORDER BY l2) AS r2
    FROM cand_n c SEMI JOIN uniform USING (an1, an2, asset_id, kind)
    WHERE n1 > 1 OR n2 > 1
)
SELECT {cols} FROM r WHERE r1 = r2
"""

CONFLICT_SQL = """
SELECT {cols}
FROM cand_n c ANTI JOIN uniform USING (an1, an2, asset_id, kind)
WHERE n1 > 1 OR n2 > 1
ORDER BY an1, an2, asset_id, kind
"""


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def build_matches(con: duckdb.DuckDBPyConnection, settings: QASettings) -> int:
    """Tables ``lab`` (comparable labels with their extents), ``pairs`` (two passes over one
    item that share a labelling task; ``kinds``: the kinds compared, NULL for all) and
    ``matches`` (an1, an2, asset_id, kind, l1, l2, sim: optimal one-to-one).
    Returns how many groups needed the assignment solver."""
    con.execute(PASSES_SQL)
    con.execute(ASSETS_SQL)
    con.execute(LAB_SQL.format(kinds=_quoted(COMPARED_KINDS), kp=KEYPOINT_SIZE))
    con.execute(PAIRS_SQL)
    con.execute(
        CAND_SQL.format(
            regions=_quoted(REGION_KINDS),
            slots=_quoted(SLOT_KINDS),
            temporal=_quoted(TEMPORAL_KINDS),
        ),
        {
            "iou": settings.iou_threshold,
            "tiou": settings.temporal_iou_threshold,
            "span": settings.span_overlap_threshold,
        },
    )
    return assign(con)


def assign(con: duckdb.DuckDBPyConnection) -> int:
    """Table ``matches`` from ``cand``: optimal one-to-one within each (an1, an2, asset, kind)
    group. Returns how many groups needed an assignment (uniform ones included)."""
    cols = ", ".join(MATCH_COLUMNS + MATCH_ATTRIBUTES)
    # window counts only over the few candidates that conflict: a window over all of them
    # sorts every row with its payload
    con.execute(MULTI_SQL)
    con.execute(TRIVIAL_SQL.format(cols=cols))
    con.execute(COUNTED_SQL)
    # A full matrix of equal similarities (most often: identical spans or texts on both
    # sides): every one-to-one assignment is optimal; take the one the solver takes, the
    # i-th label of one pass with the i-th of the other, in label_id order.
    con.execute(UNIFORM_SQL)
    con.execute(UNIFORM_MATCHES_SQL.format(cols=cols))
    # Fetch every conflicting candidate before the next query (DuckDB 2.x invalidates an
    # unfinished result when the connection runs another statement).
    conflicts = con.sql(CONFLICT_SQL.format(cols=cols)).to_arrow_table()
    solved, groups = solve_conflicts(conflicts)
    if solved.num_rows:
        con.register("solved_matches", solved)
        con.execute("INSERT INTO matches SELECT * FROM solved_matches")
        con.unregister("solved_matches")
    ((uniform,),) = con.execute("SELECT count(*) FROM uniform").fetchall()
    # the candidates are done with: their memory goes to the units (at 10M labels, cand alone
    # is about a gigabyte that would otherwise push the next joins to spill)
    for table in ("cand", "cand_n", "uniform", "multi"):
        con.execute(f"DROP TABLE {table}")
    return groups + int(uniform)


def solve_conflicts(cand: pa.Table) -> tuple[pa.Table, int]:
    """Optimal one-to-one matches (max total similarity) within each (an1, an2, asset, kind)
    group of ``cand`` (sorted by those columns); the chosen rows with all their columns.

    Each group's labels are numbered in label_id order (as :func:`numpy.unique` would), so the
    matrix and its ties are those the solver always saw. A star — one label on one side — is
    solved without the solver: it takes the candidate of highest similarity, the first in
    label order among equals, which is the solver's choice (tested against it)."""
    if cand.num_rows == 0:
        return cand, 0
    # imported here: most runs need no solver, and scipy.optimize takes a while to import
    from scipy.optimize import linear_sum_assignment

    group = _group_ids(cand)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], len(group)]
    i1, n1 = _local_index(cand.column("l1"), group, starts)
    i2, n2 = _local_index(cand.column("l2"), group, starts)
    sim = cand.column("sim").to_numpy(zero_copy_only=False).astype(float)
    star = (n1 == 1) | (n2 == 1)  # per group
    keep = [_stars(np.flatnonzero(star[group]), group, sim, np.where(n1[group] == 1, i2, i1))]
    for g in np.flatnonzero(~star):
        s, e = starts[g], ends[g]
        matrix = np.zeros((n1[g], n2[g]))
        matrix[i1[s:e], i2[s:e]] = sim[s:e]
        rows, columns = linear_sum_assignment(matrix, maximize=True)
        chosen = np.zeros((n1[g], n2[g]), dtype=bool)
        chosen[rows, columns] = True
        keep.append(np.flatnonzero(chosen[i1[s:e], i2[s:e]] & (sim[s:e] > 0)) + s)
    index = np.sort(np.concatenate(keep))
    return cand.take(pa.array(index, type=pa.int64())), len(starts)


def _group_ids(cand: pa.Table) -> np.ndarray:
    """0, 1, 2, ... per (an1, an2, asset_id, kind) group of rows sorted by those columns."""
    change = np.zeros(cand.num_rows, dtype=bool)
    change[0] = True
    for name in ("an1", "an2", "asset_id", "kind"):
        col = cand.column(name).to_numpy(zero_copy_only=False)
        change[1:] |= col[1:] != col[:-1]
    return np.cumsum(change) - 1


def _local_index(
    labels: pa.ChunkedArray, group: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's label numbered 0, 1, ... in label order within its group (rows of a group
    are contiguous, from ``starts``), and the number of labels per group."""
    ids = labels.to_numpy(zero_copy_only=False).astype(str)
    order = np.lexsort((ids, group))
    g, v = group[order], ids[order]
    new_group = np.r_[True, g[1:] != g[:-1]]
    rank = np.cumsum(np.r_[True, new_group[1:] | (v[1:] != v[:-1])]) - 1
    first = rank[np.flatnonzero(new_group)]  # the rank of each group's first label
    local = np.empty_like(rank)
    local[order] = rank - first[g]
    return local, np.maximum.reduceat(local, starts) + 1


def _stars(rows: np.ndarray, group: np.ndarray, sim: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The chosen row of each star group among ``rows``: highest similarity, then the first
    label of the many side."""
    if len(rows) == 0:
        return rows
    order = rows[np.lexsort((other[rows], -sim[rows], group[rows]))]
    first = np.r_[True, group[order][1:] != group[order][:-1]]
    chosen: np.ndarray = order[first]
    kept: np.ndarray = chosen[sim[chosen] > 0]
    return kept
