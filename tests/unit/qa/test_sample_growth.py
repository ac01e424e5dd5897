"""Stability of the sample as the dataset grows by 20 %, small strata and bounds included: the
minimum fill and the maximum cap keep what the last release's sample holds."""

from __future__ import annotations

import shutil
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
# a big stratum the cap bounds, and small ones only the minimum fill reaches
CLASSES = ["cat"] * 12 + ["dog"] * 5 + ["owl", "bee", "elk"]


def _tables(ids: list[int]) -> dict[str, list[dict[str, object]]]:
    def cls(k: int) -> str:
        return CLASSES[(k * 7) % len(CLASSES)]

    return {
        "items": [{"item_id": f"i{k}", "is_gold": k % 97 == 5} for k in ids],
        "assets": [
            {"asset_id": f"i{k}/a", "item_id": f"i{k}", "name": "image", "modality": "image"}
            for k in ids
        ],
        "annotations": [{"annotation_id": f"i{k}/h", "item_id": f"i{k}"} for k in ids],
        "labels": [
            {
                "label_id": f"i{k}/l",
                "annotation_id": f"i{k}/h",
                "item_id": f"i{k}",
                "asset_id": f"i{k}/a",
                "kind": "tag",
                "class": cls(k),
            }
            for k in ids
        ],
    }


def _sample(folder: Path, releases: Path, cfg: QASettings) -> dict[str, str]:
    con = duckdb.connect()
    open_tables(con, folder)
    build_changed(con, releases)
    build_sample(con, cfg, POLICY)
    return dict(con.execute("SELECT item_id, reason FROM sample").fetchall())


def _release(folder: Path, sample: Path, target: Path) -> Path:
    """A release folder as `labelrelease release` leaves it (the parts QA reads)."""
    target.mkdir(parents=True)
    for table in ("items", "labels"):
        shutil.copyfile(folder / f"{table}.parquet", target / f"{table}.parquet")
    shutil.copyfile(sample, target / "qa_sample.parquet")
    return target


def _grow(base: Path, n: int, seed: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Sample of n items; the same with 20 % new items, against a release of the first (its
    sample published) and without one."""
    cfg = QASettings(rate=0.1, min_per_stratum=3, max_per_stratum=6, seed=seed, strata=("class",))
    first = write_tables(base / "a", **_tables(list(range(n))))
    con = duckdb.connect()
    open_tables(con, first)
    build_changed(con, base / "no-releases")
    build_sample(con, cfg, POLICY)
    before = dict(con.execute("SELECT item_id, reason FROM sample").fetchall())
    con.execute("COPY sample TO $p (FORMAT parquet)", {"p": str(base / "sample.parquet")})
    releases = base / "releases"
    _release(first, base / "sample.parquet", releases / "v1")
    grown = write_tables(base / "b", **_tables(list(range(n + n // 5))))
    after = _sample(grown, releases, cfg)
    alone = _sample(grown, base / "no-releases", cfg)
    return before, after, alone


@settings(max_examples=20, deadline=None)
@given(n=st.integers(20, 200), seed=st.text(min_size=1, max_size=6))
def test_grown_dataset_keeps_the_released_sample(tmp_path_factory, n: int, seed: str) -> None:  # type: ignore[no-untyped-def]
    before, after, _alone = _grow(tmp_path_factory.mktemp("g"), n, seed)
    assert set(before) <= set(after)
    assert {i for i, r in before.items() if r == "min"} <= {
        i for i, r in after.items() if r == "min"
    }


def test_without_the_release_the_bounds_move(tmp_path: Path) -> None:
    # what the release's sample is needed for: built from the grown dataset alone, the minimum
    # fill and the cap take new items of smaller hash in place of old ones
    lost = 0
    for k, seed in enumerate(("a", "b", "c", "d", "e", "f")):
        before, after, alone = _grow(tmp_path / str(k), 120, seed)
        assert set(before) <= set(after)
        lost += len(set(before) - set(alone))
    assert lost > 0
