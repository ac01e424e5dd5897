"""The stable stratified sample: determinism, stability as the dataset grows, bounds, gold."""

from __future__ import annotations

from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from labelrelease.contract.model import ReviewPolicy
from labelrelease.qa.changed import build_changed
from labelrelease.qa.sample import build_sample
from labelrelease.qa.settings import QASettings
from labelrelease.qa.tables import open_tables
from tests.unit.qa.tables import write_tables

POLICY = ReviewPolicy(passes=("visual", "text"))


def _items(ids: list[str], gold: set[str] = frozenset()) -> dict[str, list[dict]]:  # type: ignore[assignment]
    items = [
        {"item_id": i, "is_gold": i in gold, "language": "en" if hash(i) % 2 else "de"} for i in ids
    ]
    assets = [
        {
            "asset_id": f"{i}/a",
            "item_id": i,
            "name": "image",
            "modality": "image" if int(i[1:]) % 3 else "text",
        }
        for i in ids
    ]
    anns = [{"annotation_id": f"{i}/h", "item_id": i, "annotator": "ann"} for i in ids]
    labels = [
        {
            "label_id": f"{i}/l",
            "annotation_id": f"{i}/h",
            "item_id": i,
            "asset_id": f"{i}/a",
            "kind": "tag",
            "class": ("cat", "dog")[int(i[1:]) % 2],
        }
        for i in ids
    ]
    return {"items": items, "assets": assets, "annotations": anns, "labels": labels}


def _sample(folder: Path, cfg: QASettings) -> dict[str, str]:
    con = duckdb.connect()
    open_tables(con, folder)
    build_changed(con, folder / "no-releases")
    build_sample(con, cfg, POLICY)
    return dict(con.execute("SELECT item_id, reason FROM sample").fetchall())


CFG = QASettings(rate=0.2, min_per_stratum=0, max_per_stratum=10_000, seed="s1")


def test_deterministic_and_seeded(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "t", **_items([f"i{n}" for n in range(400)]))
    first = _sample(folder, CFG)
    assert first == _sample(folder, CFG)
    assert 40 < len(first) < 130  # about 20 % of 400
    other = _sample(folder, QASettings(rate=0.2, min_per_stratum=0, seed="s2"))
    assert set(other) != set(first)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(50, 300), seed=st.text(min_size=1, max_size=8))
def test_grown_dataset_keeps_every_sampled_item(tmp_path_factory, n: int, seed: str) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("g")
    ids = [f"i{k}" for k in range(n)]
    cfg = QASettings(rate=0.2, min_per_stratum=0, max_per_stratum=10_000, seed=seed)
    before = _sample(write_tables(base / "a", **_items(ids)), cfg)
    grown = ids + [f"i{k}" for k in range(n, n + n // 5)]  # 20 % new items
    after = _sample(write_tables(base / "b", **_items(grown)), cfg)
    assert set(before) <= set(after)


def test_stratum_bounds_and_gold(tmp_path: Path) -> None:
    ids = [f"i{n}" for n in range(300)]
    folder = write_tables(tmp_path / "t", **_items(ids, gold={"i7", "i8", "i9"}))
    cfg = QASettings(
        rate=0.5, min_per_stratum=3, max_per_stratum=5, seed="x", strata=("modality", "class")
    )
    con = duckdb.connect()
    open_tables(con, folder)
    build_changed(con, tmp_path / "none")
    build_sample(con, cfg, POLICY)
    per = con.execute(
        "SELECT stratum, count(*) FILTER (reason <> 'gold') FROM sample GROUP BY 1"
    ).fetchall()
    assert len(per) == 4 and all(n == 5 for _s, n in per)  # max caps every stratum
    gold = {
        r[0] for r in con.execute("SELECT item_id FROM sample WHERE reason = 'gold'").fetchall()
    }
    assert gold == {"i7", "i8", "i9"}
    # min fills a stratum the rate leaves short
    build_sample(con, QASettings(rate=0.0, min_per_stratum=3, seed="x", strata=("class",)), POLICY)
    counts = dict(con.execute("SELECT stratum, count(*) FROM sample GROUP BY 1").fetchall())
    assert counts == {"cat": 3, "dog": 3}  # gold items count toward the minimum
    reasons = dict(con.execute("SELECT reason, count(*) FROM sample GROUP BY 1").fetchall())
    assert reasons == {"gold": 3, "min": 3}
    passes = dict(con.execute("SELECT pass, count(*) FROM sample GROUP BY 1").fetchall())
    assert set(passes) <= {"visual", "text"}


def test_item_stratum_takes_the_most_frequent_class_and_modality_ties_by_name(
    tmp_path: Path,
) -> None:
    # i1: 2 dog, 1 cat, all on its text asset -> dog, text; i2: 1 dog, 1 cat on two assets
    # (image, audio), one label each -> a tie on both: cat, audio; i3: no labels -> its asset
    items = [{"item_id": i} for i in ("i1", "i2", "i3")]
    assets = [
        {"asset_id": "i1/t", "item_id": "i1", "name": "t", "modality": "text"},
        {"asset_id": "i1/v", "item_id": "i1", "name": "v", "modality": "video"},
        {"asset_id": "i2/im", "item_id": "i2", "name": "im", "modality": "image"},
        {"asset_id": "i2/au", "item_id": "i2", "name": "au", "modality": "audio"},
        {"asset_id": "i3/im", "item_id": "i3", "name": "im", "modality": "image"},
    ]
    anns = [{"annotation_id": f"{i}/h", "item_id": i, "annotator": "a"} for i in ("i1", "i2")]

    def tag(lid: str, item: str, asset: str, cls: str) -> dict[str, object]:
        return {
            "label_id": lid,
            "annotation_id": f"{item}/h",
            "item_id": item,
            "asset_id": asset,
            "kind": "tag",
            "class": cls,
        }

    labels = [
        tag("l1", "i1", "i1/t", "dog"),
        tag("l2", "i1", "i1/t", "dog"),
        tag("l3", "i1", "i1/t", "cat"),
        tag("l4", "i2", "i2/im", "dog"),
        tag("l5", "i2", "i2/au", "cat"),
    ]
    folder = write_tables(
        tmp_path / "t", items=items, assets=assets, annotations=anns, labels=labels
    )
    con = duckdb.connect()
    open_tables(con, folder)
    build_changed(con, folder / "no-releases")
    build_sample(con, CFG, POLICY)
    facts = con.execute("SELECT item_id, class, modality FROM facts ORDER BY item_id").fetchall()
    assert facts == [("i1", "dog", "text"), ("i2", "cat", "audio"), ("i3", "none", "image")]
