"""Items new or changed since the latest release: compared by their labels' contents."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from labelrelease.qa.changed import build_changed
from labelrelease.qa.tables import open_tables
from tests.unit.qa.tables import box, write_tables


def _tables(folder: Path, labels: list[dict[str, object]], items: list[str]) -> Path:
    return write_tables(
        folder,
        items=[{"item_id": i} for i in items],
        annotations=[{"annotation_id": f"{i}/a", "item_id": i} for i in items],
        labels=labels,
    )


def test_changed_items_are_new_edited_or_with_a_label_more_or_less(tmp_path: Path) -> None:
    was = [
        box("s1", "same/a", "same", 0, 0),
        box("s2", "same/a", "same", 50, 50),
        box("m1", "moved/a", "moved", 0, 0),
        box("r1", "reclassed/a", "reclassed", 0, 0),
        box("g1", "gone/a", "gone", 0, 0),
        box("g2", "gone/a", "gone", 9, 9),
        box("d1", "twice/a", "twice", 0, 0),
    ]
    old = ["same", "moved", "reclassed", "gone", "twice"]
    release = _tables(tmp_path / "releases" / "1.0.0", was, old)
    now = [
        # the same contents under other label IDs (and in another order): not a change
        box("s9", "same/a", "same", 50, 50),
        box("s8", "same/a", "same", 0, 0),
        box("m1", "moved/a", "moved", 0.5, 0),
        box("r1", "reclassed/a", "reclassed", 0, 0, cls="truck"),
        box("g1", "gone/a", "gone", 0, 0),
        box("d1", "twice/a", "twice", 0, 0),
        box("d2", "twice/a", "twice", 0, 0),  # a duplicate of its label: a change
        box("n1", "new/a", "new", 0, 0),
    ]
    current = _tables(tmp_path / "now", now, [*old, "new"])
    con = duckdb.connect()
    open_tables(con, current)
    found = build_changed(con, tmp_path / "releases")
    assert found == release
    changed = {r[0] for r in con.execute("SELECT item_id FROM changed").fetchall()}
    assert changed == {"moved", "reclassed", "gone", "twice", "new"}


def test_nothing_is_changed_against_an_identical_release(tmp_path: Path) -> None:
    labels = [box("a1", "x/a", "x", 0, 0), box("b1", "y/a", "y", 5, 5)]
    current = _tables(tmp_path / "now", labels, ["x", "y"])
    shutil.copytree(current, tmp_path / "releases" / "2.0.0")
    con = duckdb.connect()
    open_tables(con, current)
    build_changed(con, tmp_path / "releases")
    assert con.execute("SELECT count(*) FROM changed").fetchall() == [(0,)]
