"""Golden rows for the hand-written files in Label Studio's export shapes
(``tests/assets/label-studio-synthetic/``): the result types and quirks the real fixtures lack.

Image size in ``image_shapes.json``: 640 x 480, so x/w scale by 6.4 and y/h by 4.8.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labelrelease.model.ids import make_id

TESTS = Path(__file__).resolve().parents[2]
SYN = TESTS / "assets" / "label-studio-synthetic"
JSON_MIN_FULL = TESTS / "assets" / "label-studio" / "label-studio-sdk" / "test_export_json_min"


def approx6(value):
    return pytest.approx(value, abs=1e-6)


# -- image shapes ------------------------------------------------------------------------------
def test_ellipse(pulled) -> None:
    p = pulled(SYN / "image_shapes.json")
    e = p.label("#/0/annotations/0/result/0")
    assert (e["kind"], e["class"]) == ("ellipse", "Wheel")
    assert e["x"] == approx6(50.0 * 640 / 100)  # centre
    assert e["y"] == approx6(25.0 * 480 / 100)
    assert e["w"] == approx6(10.0 * 640 / 100)  # radiusX
    assert e["h"] == approx6(5.0 * 480 / 100)  # radiusY
    assert e["rotation"] == approx6(30.0)
    assert p.attrs(e) == {"control": "ell"}


def test_brush_mask(pulled) -> None:
    p = pulled(SYN / "image_shapes.json")
    m = p.label("#/0/annotations/0/result/1")
    assert (m["kind"], m["class"]) == ("mask", "Road")
    assert m["mask_rle"] == [0, 0, 8, 5, 255, 3, 0, 12]
    assert m["mask_format"] == "label-studio-rle"
    for empty in ("x", "y", "w", "h", "points"):
        assert m[empty] is None, empty
    assert p.attrs(m) == {"control": "brush", "mask_width": 640, "mask_height": 480}


def test_polyline(pulled) -> None:
    p = pulled(SYN / "image_shapes.json")
    line = p.label("#/0/annotations/0/result/2")
    assert (line["kind"], line["class"]) == ("polyline", "Lane")
    assert line["points"] == approx6(
        [
            10.0 * 640 / 100,
            20.0 * 480 / 100,
            30.0 * 640 / 100,
            40.0 * 480 / 100,
            55.5 * 640 / 100,
            60.25 * 480 / 100,
        ]
    )
    assert p.attrs(line) == {"control": "line"}  # no "closed" on a polyline


def test_rectangle_and_labels_sharing_an_id_make_one_box(pulled) -> None:
    p = pulled(SYN / "image_shapes.json")
    box = p.label("#/0/annotations/0/result/3")
    assert (box["kind"], box["class"]) == ("box", "Car")
    assert box["x"] == approx6(12.5 * 640 / 100)
    assert box["y"] == approx6(10.0 * 480 / 100)
    assert box["w"] == approx6(25.0 * 640 / 100)
    assert box["h"] == approx6(50.0 * 480 / 100)
    assert box["rotation"] == 0.0
    assert p.rows("labels", "#/0/annotations/0/result/4") == []  # merged, not a second row
    ann = p.one("annotations", "#/0/annotations/0")
    assert box["label_id"] == make_id("labels", ann["annotation_id"], "box1")


def test_keypoint_with_parent_is_part_of_its_box(pulled) -> None:
    p = pulled(SYN / "image_shapes.json")
    kp = p.label("#/0/annotations/0/result/5")
    box = p.label("#/0/annotations/0/result/3")
    assert (kp["kind"], kp["class"]) == ("keypoint", "Headlight")
    assert kp["x"] == approx6(20.0 * 640 / 100)
    assert kp["y"] == approx6(30.0 * 480 / 100)
    assert p.attrs(kp) == {"control": "kp", "marker_width": approx6(0.5 * 640 / 100)}
    (link,) = p.rows("links", "#/0/annotations/0/result/5")
    assert (link["from_label_id"], link["to_label_id"]) == (kp["label_id"], box["label_id"])
    assert (link["relation"], link["direction"]) == ("part_of", "forward")
    assert link["attributes"] is None


def test_rating(pulled) -> None:
    p = pulled(SYN / "image_shapes.json")
    r = p.label("#/0/annotations/0/result/6")
    assert (r["kind"], r["number"], r["class"]) == ("number", 4.0, None)
    assert p.attrs(r) == {"control": "quality", "scale": "rating"}
    (asset,) = p["assets"]
    assert r["asset_id"] == asset["asset_id"]


def test_image_task_rows(pulled) -> None:
    p = pulled(SYN / "image_shapes.json")
    (asset,) = p["assets"]
    assert (asset["modality"], asset["uri"]) == ("image", "https://example.com/street.jpg")
    assert (asset["width"], asset["height"]) == (640, 480)
    (ann,) = p["annotations"]
    assert ann["annotator"] == "ann@example.com"
    assert (ann["status"], ann["origin"], ann["guideline_version"]) == ("submitted", "human", "1.0")
    assert ann["created_at"].isoformat() == "2024-03-01T10:00:00+00:00"
    assert {r["asset_id"] for r in p["labels"]} == {asset["asset_id"]}
    assert {r["origin"] for r in p["labels"]} == {"human"}


def test_relations_left_bi_and_labelled(pulled) -> None:
    p = pulled(SYN / "image_shapes.json")
    lid = {
        name: p.label(f"#/0/annotations/0/result/{j}")["label_id"]
        for name, j in (("ell1", 0), ("pl1", 2), ("box1", 3), ("kp1", 5))
    }
    # left: from_id kp1 -> to_id ell1 points from ell1 to kp1
    (left,) = p.rows("links", "#/0/annotations/0/result/7")
    assert (left["from_label_id"], left["to_label_id"]) == (lid["ell1"], lid["kp1"])
    assert (left["relation"], left["direction"]) == ("near", "forward")
    assert p.attrs(left) == {"ls_direction": "left"}
    # bi, no labels
    (bi,) = p.rows("links", "#/0/annotations/0/result/8")
    assert (bi["from_label_id"], bi["to_label_id"]) == (lid["ell1"], lid["pl1"])
    assert (bi["relation"], bi["direction"]) == ("related", "both")
    assert p.attrs(bi) == {"ls_direction": "bi"}
    # right with two labels: one link per label
    two = p.rows("links", "#/0/annotations/0/result/9")
    assert sorted(r["relation"] for r in two) == ["on", "touches"]
    for r in two:
        assert (r["from_label_id"], r["to_label_id"]) == (lid["box1"], lid["pl1"])
        assert r["direction"] == "forward"
    assert len({r["link_id"] for r in p["links"]}) == len(p["links"]) == 5
    # a relation to a region that is not in the annotation is quarantined
    q = p.one("quarantine", "#/0/annotations/0/result/10")
    assert (q["record_kind"], q["reason_code"], q["field"]) == (
        "links",
        "dangling_relation",
        "from_id",
    )
    assert "'ghost'" in q["message"] and "does not exist" in q["message"]
    assert p.counts["links"] == {
        "in": 6,
        "taken": 5,
        "quarantined": 1,
        "reasons": {"dangling_relation": 1},
    }
    assert p.counts["labels"]["in"] == p.counts["labels"]["taken"] == 6


def test_image_size_applies_to_every_result_of_the_image(pulled) -> None:
    p = pulled(SYN / "image_size_late.json")
    early = p.label("#/0/annotations/0/result/0")
    late = p.label("#/0/annotations/0/result/1")
    (asset,) = p["assets"]
    assert (asset["width"], asset["height"]) == (200, 100)
    assert (late["x"], late["y"], late["w"], late["h"]) == (
        approx6(10.0 * 200 / 100),
        approx6(20.0 * 100 / 100),
        approx6(30.0 * 200 / 100),
        approx6(40.0 * 100 / 100),
    )
    assert (early["x"], early["y"], early["w"], early["h"]) == (
        late["x"],
        late["y"],
        late["w"],
        late["h"],
    )
    assert "units" not in p.attrs(early)


# -- audio -------------------------------------------------------------------------------------
def test_audio_segment_with_per_region_transcript(pulled) -> None:
    p = pulled(SYN / "audio_transcript.json")
    seg = p.label("#/0/annotations/0/result/0")
    assert (seg["kind"], seg["class"]) == ("time_span", "Alice")
    assert (seg["t_start"], seg["t_end"]) == (approx6(1.25), approx6(3.5))
    assert seg["text"] == "hello there"
    assert p.attrs(seg) == {"control": "speaker"}
    assert p.rows("labels", "#/0/annotations/0/result/1") == []  # merged into the segment
    bob = p.label("#/0/annotations/0/result/2")
    assert (bob["class"], bob["t_start"], bob["t_end"], bob["text"]) == (
        "Bob",
        approx6(4.0),
        approx6(6.75),
        None,
    )
    (asset,) = p["assets"]
    assert (asset["modality"], asset["uri"]) == ("audio", "https://example.com/call.wav")
    assert {seg["asset_id"], bob["asset_id"]} == {asset["asset_id"]}
    (ann,) = p["annotations"]
    assert ann["annotator"] == "3"  # completed_by: 3


# -- text --------------------------------------------------------------------------------------
def test_hypertext_span(pulled) -> None:
    p = pulled(SYN / "hypertext.json", SYN / "hypertext_config.xml")
    span = p.label("#/0/annotations/0/result/0")
    assert (span["kind"], span["class"], span["text"]) == ("span", "Thing", "world")
    assert (span["char_start"], span["char_end"]) == (6, 11)  # globalOffsets
    assert p.attrs(span) == {
        "control": "ents",
        "xpath": {
            "start": "/p[1]/b[1]/text()[1]",
            "end": "/p[1]/b[1]/text()[1]",
            "startOffset": 0,
            "endOffset": 5,
        },
    }
    (asset,) = p["assets"]
    assert (asset["name"], asset["modality"]) == ("page", "document")
    assert asset["content"] == "<p>Hello <b>world</b></p><p>Bye</p>"
    assert span["asset_id"] == asset["asset_id"]


def test_emoji_before_spans_utf16_offsets_are_converted(pulled) -> None:
    text = "Hi 😀 Paris and 👍🏽 Rome"
    assert (text[5:10], text[18:22]) == ("Paris", "Rome")
    p = pulled(SYN / "text_emoji.json")
    hi = p.label("#/0/annotations/0/result/0")
    paris = p.label("#/0/annotations/0/result/1")
    rome = p.label("#/0/annotations/0/result/2")
    assert (hi["char_start"], hi["char_end"], hi["text"]) == (0, 2, "Hi")
    assert (paris["char_start"], paris["char_end"], paris["text"]) == (5, 10, "Paris")
    assert (rome["char_start"], rome["char_end"], rome["text"]) == (18, 22, "Rome")
    (asset,) = p["assets"]
    assert asset["content"] == text
    assert asset["n_chars"] == 22  # code points
    assert p["quarantine"] == []


def test_emoji_in_a_paragraph_utf16_offsets_are_converted(pulled) -> None:
    p = pulled(SYN / "paragraphs_emoji.json")
    joined = "😀 hi\nyo 😀 Paris"
    assert joined[10:15] == "Paris"
    assert p["quarantine"] == []
    span = p.label("#/0/annotations/0/result/0")
    assert (span["char_start"], span["char_end"], span["text"]) == (10, 15, "Paris")


# -- JSON-MIN ----------------------------------------------------------------------------------
def test_json_min_export(pulled) -> None:
    """The JSON-MIN form of test_export_json_min/data.json gives the same item, annotation
    and geometry as the full JSON export."""
    p = pulled(SYN / "json_min.json")
    full = pulled(JSON_MIN_FULL / "data.json", JSON_MIN_FULL / "label_config.xml")
    (item,) = p["items"]
    assert item["item_id"] == make_id("items", "src-name", "87") == full["items"][0]["item_id"]
    (ann,) = p["annotations"]
    assert ann["annotation_id"] == full["annotations"][0]["annotation_id"]
    assert ann["annotator"] == "1"
    assert (ann["status"], ann["origin"]) == ("submitted", "human")
    assert ann["created_at"].isoformat() == "2024-01-30T02:40:43.893565+00:00"
    assert p.attrs(ann) == {"ls_id": 22, "lead_time": 8.65}
    (asset,) = p["assets"]
    assert (asset["modality"], asset["uri"]) == ("image", "/data/upload/29/example.png")
    assert (asset["width"], asset["height"]) == (128, 128)
    (poly,) = p["labels"]
    assert (poly["kind"], poly["class"]) == ("polygon", "Airplane")
    assert poly["points"] == approx6(
        [
            44.44444444444444 * 128 / 100,
            48.25396825396825 * 128 / 100,
            42.53968253968254 * 128 / 100,
            60.317460317460316 * 128 / 100,
            56.19047619047619 * 128 / 100,
            50.79365079365079 * 128 / 100,
        ]
    )
    assert poly["points"] == full["labels"][0]["points"]
    assert p.attrs(poly) == {"control": "label", "closed": True}
    assert poly["asset_id"] == asset["asset_id"]


def test_json_min_multiple_choice_keeps_its_classes(pulled) -> None:
    p = pulled(SYN / "json_min_classification.json", SYN / "json_min_classification_config.xml")
    topics = [r for r in p["labels"] if p.attrs(r).get("control") == "topics"]
    assert sorted(r["class"] for r in topics) == ["Battery", "Screen"]
    assert {r["kind"] for r in topics} == {"tag"}


def test_json_min_single_choice_and_text_become_labels(pulled) -> None:
    p = pulled(SYN / "json_min_classification.json", SYN / "json_min_classification_config.xml")
    found = {(p.attrs(r).get("control"), r["kind"], r["class"], r["text"]) for r in p["labels"]}
    assert ("sentiment", "tag", "Positive", None) in found
    assert ("summary", "text", None, "Mixed review") in found
    assert not any(a["name"] == "sentiment" for a in p["assets"])


def test_json_min_source_refs_point_into_the_file(pulled) -> None:
    p = pulled(SYN / "json_min.json")
    (poly,) = p["labels"]
    assert poly["source_ref"].endswith("json_min.json#/0/label/0")
    (asset,) = p["assets"]
    assert asset["source_ref"].endswith("json_min.json#/0/image")


# -- ids ---------------------------------------------------------------------------------------
def test_task_and_annotation_ids_int_string_and_missing(pulled) -> None:
    p = pulled(SYN / "ids.json")
    item_int = p.one("items", "ids.json#/0")
    item_str = p.one("items", "ids.json#/1")
    item_none = p.one("items", "ids.json#/2")
    assert item_int["item_id"] == make_id("items", "src-name", "10")
    assert item_str["item_id"] == make_id("items", "src-name", "11")
    assert item_none["item_id"] not in (item_int["item_id"], item_str["item_id"])
    assert p.attrs(item_int) == {"task_id": 10}
    assert p.attrs(item_str) == {"task_id": "11"}
    assert item_none["attributes"] is None

    ann_int = p.one("annotations", "#/0/annotations/0")
    ann_str = p.one("annotations", "#/1/annotations/0")
    first = p.one("annotations", "#/2/annotations/0")
    second = p.one("annotations", "#/2/annotations/1")
    assert ann_int["annotation_id"] == make_id(
        "annotations", item_int["item_id"], "annotation", "100"
    )
    assert ann_str["annotation_id"] == make_id(
        "annotations", item_str["item_id"], "annotation", "101"
    )
    assert first["annotation_id"] == make_id(
        "annotations", item_none["item_id"], "annotation", "#0"
    )
    assert second["annotation_id"] == make_id(
        "annotations", item_none["item_id"], "annotation", "#1"
    )
    assert (ann_int["annotator"], ann_str["annotator"], first["annotator"]) == (
        "3",
        "bob@example.com",
        None,
    )
    # results without an id, one per annotation: same position, different labels
    a = p.label("#/2/annotations/0/result/0")
    b = p.label("#/2/annotations/1/result/0")
    assert (a["class"], b["class"]) == ("Greek", "Latin")
    assert a["label_id"] == make_id("labels", first["annotation_id"], "#0")
    assert b["label_id"] == make_id("labels", second["annotation_id"], "#0")
    assert a["asset_id"] == b["asset_id"]
    assert p.by_id("assets", a["asset_id"])["content"] == "gamma"


def test_ground_truth_and_language(pulled) -> None:
    p = pulled(SYN / "ids.json")
    gold = p.one("items", "ids.json#/0")
    assert gold["is_gold"] is True  # its annotation has ground_truth: true
    assert gold["language"] == "el"
    assert p.attrs(p.one("annotations", "#/0/annotations/0"))["ground_truth"] is True
    assert [r["is_gold"] for r in p["items"] if r is not gold] == [False, False]
    # the language key describes the item and is not an asset
    assert {a["name"] for a in p["assets"] if a["item_id"] == gold["item_id"]} == {"text"}
