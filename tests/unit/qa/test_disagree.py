"""Matching and disagreement on hand-built passes: each kind, each disagreement type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from labelrelease.qa.match import solve_conflicts
from labelrelease.qa.run import run_qa
from labelrelease.qa.settings import QASettings
from tests.unit.qa.tables import box, qa_settings, write_tables


def _run(
    tmp_path: Path,
    labels: list[dict[str, Any]],
    links: list[dict[str, Any]] = (),  # type: ignore[assignment]
    modality: str = "image",
    gold: bool = False,
    status2: str = "submitted",
) -> dict[str, Any]:
    folder = write_tables(
        tmp_path / "in",
        items=[{"item_id": "it", "is_gold": gold}],
        assets=[
            {"asset_id": "it/img", "item_id": "it", "name": "image", "modality": modality},
            {"asset_id": "it/txt", "item_id": "it", "name": "text", "modality": "text"},
        ],
        annotations=[
            {"annotation_id": "a", "item_id": "it", "annotator": "ann1"},
            {"annotation_id": "b", "item_id": "it", "annotator": "ann2", "status": status2},
        ],
        labels=labels,
        links=list(links),
    )
    return run_qa(qa_settings(folder, tmp_path)).report


def _overall(rep: dict[str, Any]) -> dict[str, Any]:
    return rep["disagreement"]["overall"]["counts"]


def test_boxes_optimal_matching_and_presence(tmp_path: Path) -> None:
    # two overlapping pairs and one box only pass b has
    labels = [
        box("a1", "a", "it", 0, 0),
        box("a2", "a", "it", 3, 0),
        box("b1", "b", "it", 1.5, 0),
        box("b2", "b", "it", 4.5, 0),
        box("b3", "b", "it", 100, 100),
    ]
    rep = _run(tmp_path, labels)
    assert rep["disagreement"]["overall"]["matched"] == 2
    assert _overall(rep) == {"presence": 1, "class": 0, "text": 0, "schema": 0, "link": 0}


def test_solver_is_optimal() -> None:
    cand = pa.table(
        {
            "an1": [1] * 3,
            "an2": [2] * 3,
            "asset_id": ["x"] * 3,
            "kind": ["box"] * 3,
            "l1": ["p", "p", "q"],
            "l2": ["r", "s", "r"],
            "sim": [0.9, 0.6, 0.8],
        }
    )
    solved, groups = solve_conflicts(cand)
    assert groups == 1
    assert sorted(zip(solved["l1"].to_pylist(), solved["l2"].to_pylist(), strict=True)) == [
        ("p", "s"),
        ("q", "r"),
    ]


def test_class_text_kinds(tmp_path: Path) -> None:
    txt = {"item_id": "it", "asset_id": "it/txt"}
    labels = [
        box("a1", "a", "it", 0, 0, "car"),
        box("b1", "b", "it", 1, 0, "truck"),  # class
        {
            "label_id": "a2",
            "annotation_id": "a",
            "kind": "span",
            "class": "PER",
            "char_start": 0,
            "char_end": 10,
        }
        | txt,
        {
            "label_id": "b2",
            "annotation_id": "b",
            "kind": "span",
            "class": "PER",
            "char_start": 1,
            "char_end": 10,
        }
        | txt,
        {
            "label_id": "a3",
            "annotation_id": "a",
            "kind": "text",
            "class": "caption",
            "text": "A red  car",
        }
        | txt,
        {
            "label_id": "b3",
            "annotation_id": "b",
            "kind": "text",
            "class": "caption",
            "text": "a red car",
        }
        | txt,  # same after normalisation
        {
            "label_id": "a4",
            "annotation_id": "a",
            "kind": "text",
            "class": "transcript",
            "t_start": 0.0,
            "t_end": 2.0,
            "text": "hello there",
        }
        | txt,
        {
            "label_id": "b4",
            "annotation_id": "b",
            "kind": "text",
            "class": "transcript",
            "t_start": 0.1,
            "t_end": 2.0,
            "text": "hello where",
        }
        | txt,  # text
        {
            "label_id": "a5",
            "annotation_id": "a",
            "kind": "tag",
            "class": "day",
            "attributes": '{"control": "time"}',
        }
        | txt,
        {
            "label_id": "b5",
            "annotation_id": "b",
            "kind": "tag",
            "class": "night",
            "attributes": '{"control": "time"}',
        }
        | txt,  # class
        {
            "label_id": "a6",
            "annotation_id": "a",
            "kind": "time_span",
            "class": "speech",
            "t_start": 0.0,
            "t_end": 4.0,
        }
        | txt,
        {
            "label_id": "b6",
            "annotation_id": "b",
            "kind": "time_span",
            "class": "speech",
            "t_start": 3.0,
            "t_end": 9.0,
        }
        | txt,  # temporal IoU 1/9: presence on both sides
    ]
    rep = _run(tmp_path, labels)
    assert _overall(rep) == {"presence": 2, "class": 2, "text": 1, "schema": 0, "link": 0}
    kinds = rep["disagreement"]["by_modality_kind"]
    assert kinds["image/box"]["counts"]["class"] == 1
    assert kinds["text/text"]["matched"] == 2 and kinds["text/text"]["counts"]["text"] == 1
    assert kinds["text/time_span"]["counts"]["presence"] == 2
    assert 0 < kinds["text/text"]["text_similarity"] < 1
    assert rep["alpha"]["tags"] is not None


def test_image_right_text_right_link_wrong(tmp_path: Path) -> None:
    txt = {
        "item_id": "it",
        "asset_id": "it/txt",
        "kind": "text",
        "class": "caption",
        "text": "the dog",
    }
    labels = [
        box("a1", "a", "it", 0, 0, "dog"),
        box("a2", "a", "it", 50, 50, "dog"),
        box("b1", "b", "it", 0, 0, "dog"),
        box("b2", "b", "it", 50, 50, "dog"),
        {"label_id": "a3", "annotation_id": "a"} | txt,
        {"label_id": "b3", "annotation_id": "b"} | txt,
    ]
    link = {"item_id": "it", "relation": "describes", "origin": "human"}
    links = [
        {"link_id": "k1", "annotation_id": "a", "from_label_id": "a3", "to_label_id": "a1"} | link,
        {"link_id": "k2", "annotation_id": "b", "from_label_id": "b3", "to_label_id": "b2"} | link,
        # a rule-derived link is never compared
        {
            "link_id": "k3",
            "annotation_id": "b",
            "from_label_id": "b3",
            "to_label_id": "b1",
            "relation": "near",
            "item_id": "it",
            "origin": "rule",
        },
    ]
    rep = _run(tmp_path, labels, links)
    assert _overall(rep) == {"presence": 0, "class": 0, "text": 0, "schema": 0, "link": 2}
    assert rep["disagreement"]["overall"]["link"] == 1.0
    # the same link on both sides agrees, and is counted once
    links[1]["to_label_id"] = "b1"
    rep = _run(tmp_path / "2", labels, links)
    assert _overall(rep)["link"] == 0
    assert rep["disagreement"]["overall"]["link_units"] == 1


def test_schema_validity_from_failures(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    failures = tmp_path / "failures.parquet"
    # check's failures file: only row-contract failures of labels count as schema validity
    pq.write_table(
        pa.table(
            {
                "suite": ["row_contract", "cross_modal"],
                "table": ["labels", "labels"],
                "record_id": ["b1", "a1"],
            }
        ),
        failures,
    )
    folder = write_tables(
        tmp_path / "in",
        items=[{"item_id": "it"}],
        assets=[{"asset_id": "it/img", "item_id": "it", "name": "image", "modality": "image"}],
        annotations=[
            {"annotation_id": "a", "item_id": "it", "annotator": "x"},
            {"annotation_id": "b", "item_id": "it", "annotator": "y"},
        ],
        labels=[box("a1", "a", "it", 0, 0), box("b1", "b", "it", 0, 0)],
    )
    rep = run_qa(
        qa_settings(folder, tmp_path, contract=QASettings.contract, failures=failures)
    ).report
    assert _overall(rep) == {"presence": 0, "class": 0, "text": 0, "schema": 1, "link": 0}


def test_gold_scores(tmp_path: Path) -> None:
    labels = [
        box("a1", "a", "it", 0, 0, "car"),
        box("a2", "a", "it", 50, 50, "car"),
        box("b1", "b", "it", 0, 0, "bus"),
    ]
    rep = _run(tmp_path, labels, gold=True, status2="accepted")  # b is the reference
    (row,) = rep["gold"]["per_annotator"]
    assert row["who"] == "ann1"
    assert row["precision"] == pytest.approx(0.5) and row["recall"] == pytest.approx(1.0)
    assert row["class_accuracy"] == pytest.approx(0.0)
