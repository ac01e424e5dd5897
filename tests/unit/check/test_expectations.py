"""Each expectation: the clean tables pass it, a broken copy fails it with the planted IDs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from labelrelease.check import run_check
from labelrelease.check.suites import load_suites
from labelrelease.contract import load_contract
from tests.unit.check.tables import Rows, added, base, changed, write

ROOT = Path(__file__).resolve().parents[3]
CONTRACT = load_contract(ROOT / "pipelines" / "contract.yaml")
SUITES = load_suites(ROOT / "expectations")


def failures(rows: Rows, tmp: Path) -> dict[str, set[str]]:
    """Failing record IDs per expectation (row contract rules as ``row_contract:<rule>``)."""
    result = run_check(
        write(rows, tmp / "in"), CONTRACT, SUITES,
        out=tmp / "out", report=tmp / "check.json", gates={}, overrides=[],
    )  # fmt: skip
    table = pq.read_table(tmp / "out" / "failures.parquet").to_pylist()
    out: dict[str, set[str]] = {}
    for r in table:
        out.setdefault(r["expectation"], set()).add(r["record_id"])
    assert result.figures is not None
    return out


def test_clean_tables_pass_every_expectation(tmp_path: Path) -> None:
    assert failures(base(), tmp_path) == {}


def _dup(rows: Rows, table: str, index: int) -> Rows:
    return added(rows, table, **{**rows[table][index], "source_ref": "dup"})


def _dup_label(rows: Rows) -> Rows:
    out = added(rows, "labels", **{**rows["labels"][0], "source_ref": "dup"})
    return out


CASES: list[tuple[str, Any, set[str]]] = [
    # uniqueness and keys
    ("labels_id_unique", _dup_label, {"lb_box"}),
    ("items_id_unique", lambda r: added(r, "items", item_id="it1", source="t", is_gold=False),
     {"it1"}),
    ("label_annotation_exists", lambda r: changed(r, "labels", "lb_poly", annotation_id="an9"),
     {"lb_poly"}),
    ("label_item_matches_annotation",
     lambda r: added(changed(r, "labels", "lb_time", item_id="it2"), "items", item_id="it2",
                     source="t", is_gold=False), {"lb_time"}),
    ("label_asset_exists", lambda r: changed(r, "labels", "lb_time", asset_id="as_gone"),
     {"lb_time"}),
    ("annotation_item_exists", lambda r: changed(r, "annotations", "an1", item_id="it9"),
     {"an1"}),
    ("asset_item_exists", lambda r: changed(r, "assets", "as_aud", item_id="it9"), {"as_aud"}),
    ("link_ends_exist", lambda r: changed(r, "links", "lk1", to_label_id="lb_gone"), {"lk1"}),
    ("annotation_status_known", lambda r: changed(r, "annotations", "an1", status="done"),
     {"an1"}),
    ("assets_id_unique", lambda r: _dup(r, "assets", 0), {"as_img"}),
    ("annotations_id_unique", lambda r: _dup(r, "annotations", 0), {"an1"}),
    ("links_id_unique", lambda r: _dup(r, "links", 0), {"lk1"}),
    ("label_item_exists", lambda r: changed(r, "labels", "lb_time", item_id="it9"), {"lb_time"}),
    ("label_origin_known", lambda r: changed(r, "labels", "lb_time", origin="robot"),
     {"lb_time"}),
    ("label_id_not_null", lambda r: changed(r, "labels", "lb_time", label_id=None), {None}),
    # cross-modal integrity
    ("ellipse_inside_image",
     lambda r: added(r, "labels", label_id="lb_ell", annotation_id="an1", asset_id="as_img",
                     kind="ellipse", **{"class": "Cat"}, x=90.0, y=40.0, w=20.0, h=10.0,
                     origin="human"), {"lb_ell"}),
    ("box_inside_image", lambda r: changed(r, "labels", "lb_box", x=90.0), {"lb_box"}),
    ("points_inside_image",
     lambda r: changed(r, "labels", "lb_poly", points=[1.0, 1.0, 50.0, 1.0, 50.0, 95.0]),
     {"lb_poly"}),
    ("time_span_inside_media", lambda r: changed(r, "labels", "lb_time", t_end=12.5),
     {"lb_time"}),
    ("frame_range_inside_video", lambda r: changed(r, "labels", "lb_frame", frame_end=40),
     {"lb_frame"}),
    ("span_inside_text", lambda r: changed(r, "labels", "lb_span", char_end=30, text=None),
     {"lb_span"}),
    ("span_text_matches", lambda r: changed(r, "labels", "lb_span", text="dog"), {"lb_span"}),
    ("link_same_item",
     lambda r: added(changed(r, "labels", "lb_box", item_id="it2"), "items", item_id="it2",
                     source="t", is_gold=False), {"lk1"}),
    # visual vs language
    ("text_names_missing_object",
     lambda r: changed(r, "labels", "lb_cap", text="A dog on a mat"), {"lb_cap"}),
    # text policy
    ("text_length_bounds", lambda r: changed(r, "labels", "lb_cap", text="ok"), {"lb_cap"}),
    ("text_not_empty", lambda r: changed(r, "labels", "lb_cap", text="  "), {"lb_cap"}),
    ("text_banned_terms", lambda r: changed(r, "labels", "lb_cap", text="A cat, TODO later"),
     {"lb_cap"}),
    ("item_language_allowed", lambda r: changed(r, "items", "it1", language="pt"), {"it1"}),
    ("text_script_matches_language",
     lambda r: changed(r, "labels", "lb_cap", text="Кошка cat на коврике"), {"lb_cap"}),
    ("text_script_allowed", lambda r: changed(r, "labels", "lb_cap", text="A cat قطة here"),
     {"lb_cap"}),
    # review policy
    ("model_accepted_needs_review",
     lambda r: changed(r, "annotations", "an1", origin="model", status="accepted",
                       annotator=None, model="m1"), {"an1"}),
    ("model_label_accepted_needs_human",
     lambda r: changed(changed(r, "annotations", "an1", origin="model", status="accepted",
                               annotator=None, model="m1"), "labels", "lb_box", origin="model"),
     {"lb_box"}),
    # distribution
    ("annotation_score_probability", lambda r: changed(r, "annotations", "an1", score=1.5),
     {"an1"}),
    ("source_ref_length", lambda r: changed(r, "labels", "lb_box", source_ref="x" * 2001),
     {"lb_box"}),
    ("item_split_word", lambda r: changed(r, "items", "it1", split="train set"), {"it1"}),
    ("label_id_form", lambda r: changed(r, "labels", "lb_box", label_id="LB-1"), {"LB-1"}),
    ("label_score_probability", lambda r: changed(r, "labels", "lb_box", score=-0.1),
     {"lb_box"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "breaks", "ids"), CASES, ids=[c[0] for c in CASES])
def test_expectation_fails_with_the_planted_ids(
    tmp_path: Path, name: str, breaks: Any, ids: set[str]
) -> None:
    found = failures(breaks(base()), tmp_path)
    assert found.get(name) == ids


def test_every_expectation_has_a_failing_case() -> None:
    names = {e.name for s in SUITES for e in s.expectations}
    untested = names - {c[0] for c in CASES}
    # table-level, and rules whose failure needs a contract setting: tested below
    assert untested == {"labels_not_empty", "region_mentioned", "approver_allowed"}


def test_labels_not_empty(tmp_path: Path) -> None:
    rows = base()
    rows["labels"], rows["links"] = [], []
    run_check(
        write(rows, tmp_path / "in"), CONTRACT, SUITES,
        out=tmp_path / "out", report=tmp_path / "check.json", gates={}, overrides=[],
    )  # fmt: skip
    report = json.loads((tmp_path / "check.json").read_text())
    assert report["expectations"]["labels_not_empty"] == {"success": False, "unexpected": 1}
    assert report["distribution_failures"] == 1


def test_approver_allowed_reads_the_contract(tmp_path: Path) -> None:
    contract = replace(CONTRACT, review_policy=replace(CONTRACT.review_policy, approvers=("lead",)))
    rows = changed(base(), "annotations", "an1", status="accepted", reviewer="someone")
    run_check(
        write(rows, tmp_path / "in"), contract, SUITES,
        out=tmp_path / "out", report=tmp_path / "check.json", gates={}, overrides=[],
    )  # fmt: skip
    fails = pq.read_table(tmp_path / "out" / "failures.parquet").to_pylist()
    found = {(f["expectation"], f["record_id"]) for f in fails}
    # the row contract's review rule agrees with the dataset expectation
    assert found == {("approver_allowed", "an1"), ("row_contract:review:approver", "an1")}
