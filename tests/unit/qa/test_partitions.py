"""The per-item work split into parts of items by hash gives exactly the unsplit result."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from labelrelease.qa import match
from labelrelease.qa.run import run_qa
from labelrelease.qa.settings import QASettings
from tests.unit.qa.tables import box, write_tables


def _dataset(folder: Path) -> Path:
    items, assets, anns, labels, links = [], [], [], [], []
    for n in range(12):
        it = f"it{n}"
        items.append({"item_id": it, "is_gold": n == 3})
        assets.append(
            {"asset_id": f"{it}/img", "item_id": it, "name": "image", "modality": "image"}
        )
        for p, who in enumerate(("ann1", "ann2", "ann3")):
            a = f"{it}-{who}"
            anns.append({"annotation_id": a, "item_id": it, "annotator": who})
            for k in range(3):  # overlapping boxes, a class that varies by pass, one stray box
                dx = 0.0 if k < 2 else 50.0 * p
                cls = "car" if (n + p + k) % 4 else "truck"
                labels.append(box(f"{a}-b{k}", a, it, 20.0 * k + dx + p, float(n % 3), cls))
            labels.append(box(f"{a}-dup", a, it, 200.0, 200.0))  # equal boxes: a uniform group
            labels.append(box(f"{a}-dup2", a, it, 200.0, 200.0))
            links.append(
                {
                    "link_id": f"{a}-l",
                    "item_id": it,
                    "annotation_id": a,
                    "from_label_id": f"{a}-b0",
                    "to_label_id": f"{a}-b{1 + (n + p) % 2}",
                    "relation": "near",
                    "origin": "human",
                }
            )
    return write_tables(
        folder, items=items, assets=assets, annotations=anns, labels=labels, links=links
    )


def _run(tmp: Path, inp: Path) -> tuple[dict[str, object], dict[str, set[tuple[object, ...]]]]:
    cfg = QASettings(
        inp=inp,
        out=tmp / "out",
        report=tmp / "qa.json",
        report_dir=tmp / "qa",
        contract=tmp / "none.yaml",
        releases=tmp / "releases",
        reviews=tmp / "reviews",
    )
    report = run_qa(cfg).report
    con = duckdb.connect()
    rows = {
        t: set(con.execute(f"SELECT * FROM '{tmp / 'out' / t}.parquet'").fetchall())
        for t in ("matches", "units", "link_units")
    }
    return json.loads(json.dumps(report, default=str)), rows


def test_parts_give_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inp = _dataset(tmp_path / "in")
    whole, whole_rows = _run(tmp_path / "whole", inp)
    monkeypatch.setattr(match, "PART_LABELS", 40)  # 540 labels: 14 parts
    assert match.partitions(540) == 14
    split, split_rows = _run(tmp_path / "split", inp)
    assert whole_rows["units"] and whole_rows["link_units"]
    assert split_rows == whole_rows
    assert split == whole
