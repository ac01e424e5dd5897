"""qa's output tables come out in one fixed order, so the same inputs give the same bytes."""

from __future__ import annotations

from pathlib import Path

import duckdb

from labelrelease.qa.run import OUT_TABLES, run_qa
from tests.unit.qa.tables import box, qa_settings, write_tables

ITEMS = 400


def _project(folder: Path) -> Path:
    # items and labels written in reverse order, two passes each, one box per pass that moves
    # a little and one that only the second pass has: matches, units and presence rows
    ids = [f"it{n:04d}" for n in reversed(range(ITEMS))]
    labels = []
    for n, item in enumerate(ids):
        labels += [
            box(f"{item}/b1", f"{item}/b", item, 1.0 + n % 3, 0, cls="car" if n % 5 else "truck"),
            box(f"{item}/b2", f"{item}/b", item, 200, 200),
            box(f"{item}/a1", f"{item}/a", item, 0, 0),
        ]
    return write_tables(
        folder,
        items=[{"item_id": i} for i in ids],
        assets=[
            {"asset_id": f"{i}/img", "item_id": i, "name": "image", "modality": "image"}
            for i in ids
        ],
        annotations=[
            {"annotation_id": f"{i}/{p}", "item_id": i, "annotator": f"ann_{p}"}
            for i in ids
            for p in "ab"
        ],
        labels=labels,
    )


ORDER = {"pairs": "an1, an2", "matches": "an1, an2, l1", "units": "an1, an2, l1, l2"}
"""The documented order of the tables that are not sorted by all their columns."""


def test_every_output_table_is_written_in_sorted_order(tmp_path: Path) -> None:
    cfg = qa_settings(_project(tmp_path / "in"), tmp_path, threads=2)
    run_qa(cfg)
    con = duckdb.connect(config={"threads": 1})
    for table in OUT_TABLES:
        path = str(cfg.out / f"{table}.parquet")
        rows = con.execute("SELECT * FROM read_parquet($p)", {"p": path}).fetchall()
        order = ORDER.get(table, "ALL")
        ordered = con.execute(
            f"SELECT * FROM read_parquet($p) ORDER BY {order}", {"p": path}
        ).fetchall()
        assert rows or table == "link_units", table  # no links in this project
        assert rows == ordered, f"{table}.parquet is not in its fixed order"


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    folder = _project(tmp_path / "in")
    outs = []
    for threads in (1, 2):
        cfg = qa_settings(folder, tmp_path / f"t{threads}", threads=threads)
        run_qa(cfg)
        outs.append(cfg.out)
    for table in OUT_TABLES:
        first, second = ((o / f"{table}.parquet").read_bytes() for o in outs)
        assert first == second, f"{table}.parquet differs between two runs"
