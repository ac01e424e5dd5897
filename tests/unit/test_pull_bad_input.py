"""Malformed Label Studio input: every bad record gets a reason code, nothing crashes, and the
counts add up (in == taken + quarantined)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from labelrelease.errors import FormatNotFoundError
from labelrelease.pull.plan import plan_files
from labelrelease.pull.run import pull


def _task(result: list[dict[str, Any]], data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": 1,
        "data": data or {"image": "s3://bucket/a.jpg"},
        "annotations": [{"id": 10, "completed_by": 1, "result": result}],
    }


BOX = {
    "id": "b1",
    "type": "rectanglelabels",
    "from_name": "label",
    "to_name": "image",
    "original_width": 200,
    "original_height": 100,
    "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rectanglelabels": ["Car"]},
}


def run(tmp_path: Path, name: str, content: bytes | Any, fmt: str | None = "label-studio"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    out = tmp_path / "out"
    result = pull(plan_files([path], fmt, "test", "1.0"), out)
    for kind, c in result.counts.items():
        assert c["in"] == c["taken"] + c["quarantined"], kind
    quarantine = pq.read_table(out / "quarantine.parquet").to_pylist()
    return result.counts, quarantine


def only(quarantine: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(quarantine) == 1, quarantine
    return quarantine[0]


def test_truncated_json_is_quarantined_whole_and_names_the_place(tmp_path: Path) -> None:
    good = json.dumps([_task([BOX]), _task([BOX])])
    counts, quarantine = run(tmp_path, "cut.json", good[: len(good) - 30].encode())
    q = only(quarantine)
    assert (q["record_kind"], q["reason_code"]) == ("files", "invalid_json")
    assert q["source_ref"].endswith("cut.json")
    assert "re-export" in q["message"]
    assert counts["files"] == {
        "in": 1,
        "taken": 0,
        "quarantined": 1,
        "reasons": {"invalid_json": 1},
    }
    assert counts["labels"]["in"] == 0  # the part read before the cut was rolled back


def test_truncated_single_task_names_line_and_column(tmp_path: Path) -> None:
    _, quarantine = run(tmp_path, "one.json", json.dumps(_task([BOX]))[:-5].encode())
    q = only(quarantine)
    assert q["reason_code"] == "invalid_json"
    assert "line 1" in q["message"]


def test_wrong_type_names_the_field(tmp_path: Path) -> None:
    bad = {**BOX, "value": {**BOX["value"], "x": "ten"}}
    counts, quarantine = run(tmp_path, "t.json", [_task([bad, {**BOX, "id": "b2"}])])
    q = only(quarantine)
    assert (q["record_kind"], q["reason_code"], q["field"]) == ("labels", "wrong_type", "x")
    assert q["source_ref"].endswith("t.json#/0/annotations/0/result/0")
    assert '"ten"' in q["excerpt"]
    assert counts["labels"]["taken"] == 1


def test_missing_field(tmp_path: Path) -> None:
    value = {k: v for k, v in BOX["value"].items() if k != "width"}
    _, quarantine = run(tmp_path, "t.json", [_task([{**BOX, "value": value}])])
    q = only(quarantine)
    assert (q["reason_code"], q["field"]) == ("missing_field", "width")


def test_unknown_result_type(tmp_path: Path) -> None:
    weird = {"id": "w", "type": "hologram", "from_name": "h", "to_name": "image", "value": {}}
    counts, quarantine = run(tmp_path, "t.json", [_task([weird, BOX])])
    q = only(quarantine)
    assert q["reason_code"] == "unknown_result_type"
    assert "'hologram'" in q["message"] and "rectanglelabels" in q["message"]
    assert counts["labels"] == {
        "in": 2, "taken": 1, "quarantined": 1, "reasons": {"unknown_result_type": 1},
    }  # fmt: skip


def test_relation_to_missing_region(tmp_path: Path) -> None:
    rel = {"type": "relation", "from_id": "b1", "to_id": "ghost", "direction": "right"}
    counts, quarantine = run(tmp_path, "t.json", [_task([BOX, rel])])
    q = only(quarantine)
    assert (q["record_kind"], q["reason_code"]) == ("links", "dangling_relation")
    assert "'ghost'" in q["message"]
    assert counts["links"] == {
        "in": 1, "taken": 0, "quarantined": 1, "reasons": {"dangling_relation": 1},
    }  # fmt: skip


def test_relation_to_quarantined_region_says_why(tmp_path: Path) -> None:
    bad = {**BOX, "id": "b2", "value": {**BOX["value"], "height": -4}}
    rel = {"type": "relation", "from_id": "b1", "to_id": "b2", "direction": "right"}
    _, quarantine = run(tmp_path, "t.json", [_task([BOX, bad, rel])])
    reasons = sorted((q["record_kind"], q["reason_code"]) for q in quarantine)
    assert reasons == [("labels", "negative_size"), ("links", "dangling_relation")]
    link = next(q for q in quarantine if q["record_kind"] == "links")
    assert "quarantined (negative_size)" in link["message"]


def test_span_text_that_does_not_match_its_offsets(tmp_path: Path) -> None:
    span = {
        "id": "s1", "type": "labels", "from_name": "ner", "to_name": "text",
        "value": {"start": 0, "end": 4, "text": "Mary", "labels": ["Person"]},
    }  # fmt: skip
    data = {"text": "John met Mary."}
    _, quarantine = run(tmp_path, "t.json", [_task([span], data)])
    q = only(quarantine)
    assert (q["reason_code"], q["field"]) == ("span_text_mismatch", "text")
    assert "'John'" in q["message"] and "'Mary' occurs at 9:13" in q["message"]


def test_negative_box_size(tmp_path: Path) -> None:
    bad = {**BOX, "value": {**BOX["value"], "width": -3}}
    _, quarantine = run(tmp_path, "t.json", [_task([bad])])
    q = only(quarantine)
    assert (q["reason_code"], q["field"]) == ("negative_size", "width")


def test_non_utf8_file(tmp_path: Path) -> None:
    text = json.dumps([_task([BOX], {"text": "café"})], ensure_ascii=False)
    counts, quarantine = run(tmp_path, "latin1.json", text.encode("latin-1"))
    q = only(quarantine)
    assert (q["record_kind"], q["reason_code"]) == ("files", "bad_encoding")
    assert "UTF-8" in q["message"]
    assert counts["items"]["in"] == 0


def test_utf16_file(tmp_path: Path) -> None:
    text = json.dumps([_task([BOX])])
    _, quarantine = run(tmp_path, "u16.json", text.encode("utf-16"))
    assert only(quarantine)["reason_code"] == "bad_encoding"


def test_empty_file_with_format_is_quarantined(tmp_path: Path) -> None:
    counts, quarantine = run(tmp_path, "empty.json", b"  \n")
    assert only(quarantine)["reason_code"] == "empty_file"
    assert counts["files"]["quarantined"] == 1


def test_empty_file_without_format_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_bytes(b"")
    with pytest.raises(FormatNotFoundError, match=r"empty\.json: the file is empty"):
        plan_files([tmp_path / "empty.json"], None, "test", "1.0")


def test_file_that_is_not_label_studio(tmp_path: Path) -> None:
    coco = {"images": [{"id": 1}], "annotations": [{"id": 1, "bbox": [0, 0, 1, 1]}],
            "categories": []}  # fmt: skip
    (tmp_path / "coco.json").write_text(json.dumps(coco))
    # detection hands it to the COCO importer; read as Label Studio, it is refused whole
    assert plan_files([tmp_path / "coco.json"], None, "test", "1.0")[0].importer.name == "coco"
    with pytest.raises(FormatNotFoundError, match="no importer recognises"):
        plan_files([_not_any_format(tmp_path)], None, "test", "1.0")
    _, quarantine = run(tmp_path, "coco.json", coco)
    q = only(quarantine)
    assert (q["record_kind"], q["reason_code"]) == ("files", "not_label_studio")
    assert "categories" in q["message"]


def _not_any_format(tmp_path: Path) -> Path:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"rows": [{"id": 1, "value": 2}]}))
    return path


def test_non_task_records_in_an_array(tmp_path: Path) -> None:
    counts, quarantine = run(tmp_path, "t.json", [_task([BOX]), 42, "x"])
    assert sorted(q["source_ref"].split("#")[1] for q in quarantine) == ["/1", "/2"]
    assert {q["reason_code"] for q in quarantine} == {"not_a_task"}
    assert counts["items"] == {"in": 3, "taken": 1, "quarantined": 2, "reasons": {"not_a_task": 2}}


def test_duplicate_task_is_quarantined_not_merged(tmp_path: Path) -> None:
    counts, quarantine = run(tmp_path, "t.json", [_task([BOX]), _task([BOX])])
    kinds = sorted((q["record_kind"], q["reason_code"]) for q in quarantine)
    assert kinds == [
        ("annotations", "duplicate_id"), ("assets", "duplicate_id"),
        ("items", "duplicate_id"), ("labels", "duplicate_id"),
    ]  # fmt: skip
    assert all(q["source_ref"].split("#")[1].startswith("/1") for q in quarantine)
    assert counts["items"]["taken"] == 1


def test_annotation_whose_result_is_not_a_list(tmp_path: Path) -> None:
    task = _task([BOX])
    task["annotations"].append({"id": 11, "result": {"oops": 1}})
    counts, quarantine = run(tmp_path, "t.json", [task])
    q = only(quarantine)
    assert (q["record_kind"], q["reason_code"], q["field"]) == (
        "annotations",
        "wrong_type",
        "result",
    )
    assert counts["annotations"]["taken"] == 1


def test_result_ids_shared_by_two_geometries(tmp_path: Path) -> None:
    other = {**BOX, "type": "polygonlabels",
             "value": {"points": [[1, 1], [2, 2], [3, 1]], "polygonlabels": ["Car"]}}  # fmt: skip
    counts, quarantine = run(tmp_path, "t.json", [_task([BOX, other])])
    assert only(quarantine)["reason_code"] == "conflicting_region"
    assert counts["labels"]["taken"] == 1
