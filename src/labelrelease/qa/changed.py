"""Items new or changed since the last release (for the oversampled share of the sample)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from labelrelease.errors import QAError

LABEL_CONTENT = (
    "kind, class, text, x, y, w, h, rotation, points, mask_rle, keyframes, t_start, t_end, "
    "frame_start, frame_end, char_start, char_end, number, attributes"
)
"""Label columns whose values make an item's content (IDs and provenance left out)."""

CHANGED_SQL = """
CREATE OR REPLACE TABLE changed AS
WITH now AS (
    SELECT i.item_id, h.digest, h.n FROM items i LEFT JOIN (
        SELECT item_id, sum(hash(row({cols}))::HUGEINT) AS digest, count(*) AS n
        FROM labels GROUP BY item_id) h USING (item_id)
),
was AS (
    SELECT item_id, sum(hash(row({cols}))::HUGEINT) AS digest, count(*) AS n
    FROM read_parquet($labels) GROUP BY item_id
),
was_items AS (SELECT item_id FROM read_parquet($items))
SELECT now.item_id FROM now
LEFT JOIN was_items wi USING (item_id)
LEFT JOIN was USING (item_id)
WHERE wi.item_id IS NULL OR now.digest IS DISTINCT FROM was.digest OR now.n IS DISTINCT FROM was.n
"""
"""An item's digest is the sum of its labels' content hashes and their count: a plain
aggregate that spills like any other. (An ordered ``string_agg`` of per-label digests ran out
of memory at 10M labels under a 1 GB limit.) The labels of an item are compared as a multiset:
the same contents under other label IDs are not a change."""


def latest_release(releases: Path) -> Path | None:
    """The release folder with the highest version that holds items and labels, or None."""
    if not releases.is_dir():
        return None
    found = [
        p
        for p in releases.iterdir()
        if p.is_dir() and (p / "items.parquet").is_file() and (p / "labels.parquet").is_file()
    ]
    return max(found, key=_version_key) if found else None


PREVIOUS_COLUMNS = ("item_id", "stratum", "reason")


def build_changed(con: duckdb.DuckDBPyConnection, releases: Path) -> Path | None:
    """Table ``changed(item_id)``: items absent from the latest release or whose labels differ
    from it (compared by a digest of their content). Without a release, no item is changed.
    Table ``previous(item_id, stratum, reason)``: the QA sample the latest release published
    (its ``qa_sample.parquet``; empty without one), which the sample keeps.
    Returns the release compared against."""
    release = latest_release(releases)
    previous = release / "qa_sample.parquet" if release else None
    if previous is not None and previous.is_file():
        rel = con.read_parquet(str(previous))
        if not set(PREVIOUS_COLUMNS) <= set(rel.columns):
            raise QAError(
                f"{previous}: not a QA sample (it needs the columns "
                f"{', '.join(PREVIOUS_COLUMNS)}); it was written by another version"
            )
        rel.select(*PREVIOUS_COLUMNS).create_view("previous_in", replace=True)
        con.execute("CREATE OR REPLACE TABLE previous AS SELECT DISTINCT * FROM previous_in")
    else:
        con.execute(
            "CREATE OR REPLACE TABLE previous (item_id VARCHAR, stratum VARCHAR, reason VARCHAR)"
        )
    if release is None:
        con.execute("CREATE OR REPLACE TABLE changed (item_id VARCHAR)")
        return None
    con.execute(
        CHANGED_SQL.format(cols=LABEL_CONTENT),
        {"labels": str(release / "labels.parquet"), "items": str(release / "items.parquet")},
    )
    return release


def _version_key(path: Path) -> tuple[tuple[int, int | str], ...]:
    parts = re.split(r"[.\-+]", path.name.lstrip("v"))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)
