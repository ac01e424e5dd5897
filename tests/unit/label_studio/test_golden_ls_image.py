"""Golden rows for image results of the real Label Studio fixtures: rectanglelabels (with and
without rotation, in pixels or left in percent), polygonlabels and keypointlabels.

Every expected number is written from the JSON by hand: ``percent * original_size / 100``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labelrelease.model.ids import make_id

LS = Path(__file__).resolve().parents[2] / "assets" / "label-studio"
SDK = LS / "label-studio-sdk"
FE = LS / "label-studio-frontend"
COCO = SDK / "test_export_coco" / "data.json"
COCO_CONFIG = SDK / "test_export_coco" / "label_config.xml"
OBB = SDK / "test_export_yolo" / "data_obb.json"
OBB_CONFIG = SDK / "test_export_yolo" / "label_config_obb.xml"
JSON_MIN_FULL = SDK / "test_export_json_min" / "data.json"
JSON_MIN_CONFIG = SDK / "test_export_json_min" / "label_config.xml"
POLYGONS = FE / "image_polygons" / "annotations" / "0.json"
POLYGONS_CONFIG = FE / "image_polygons" / "config.xml"

approx = pytest.approx


def approx6(value):
    return pytest.approx(value, abs=1e-6)


def test_coco_rectangle(pulled) -> None:
    p = pulled(COCO, COCO_CONFIG)
    box = p.label("#/0/annotations/0/result/0")
    assert box["kind"] == "box"
    assert box["class"] == "rectangle_label"
    assert box["x"] == approx6(31.941923774954628 * 500 / 100)
    assert box["y"] == approx6(4.113475177304964 * 320 / 100)
    assert box["w"] == approx6(6.352087114337568 * 500 / 100)
    assert box["h"] == approx6(9.929078014184398 * 320 / 100)
    assert box["rotation"] == 0.0
    assert box["origin"] == "human"
    assert box["score"] is None
    for empty in ("points", "mask_rle", "keyframes", "t_start", "char_start", "text", "number"):
        assert box[empty] is None, empty
    assert p.attrs(box) == {"control": "rectangle_label"}


def test_coco_polygon(pulled) -> None:
    p = pulled(COCO, COCO_CONFIG)
    poly = p.label("#/0/annotations/0/result/1")
    assert poly["kind"] == "polygon"
    assert poly["class"] == "polygon_label"
    assert poly["points"] == approx6(
        [
            41.74228675136116 * 500 / 100,
            3.546099290780142 * 320 / 100,
            41.560798548094375 * 500 / 100,
            12.198581560283687 * 320 / 100,
            45.37205081669691 * 500 / 100,
            12.4822695035461 * 320 / 100,
        ]
    )
    for empty in ("x", "y", "w", "h", "rotation"):
        assert poly[empty] is None, empty
    assert p.attrs(poly) == {"control": "polygon_label", "closed": True}


def test_coco_keypoints(pulled) -> None:
    p = pulled(COCO, COCO_CONFIG)
    first = p.label("#/0/annotations/0/result/2")
    second = p.label("#/0/annotations/0/result/3")
    assert (first["kind"], first["class"]) == ("keypoint", "keypoint_label1")
    assert first["x"] == approx6(22.595281306715066 * 500 / 100)
    assert first["y"] == approx6(31.773049645390074 * 320 / 100)
    assert first["w"] is None and first["h"] is None
    assert p.attrs(first)["marker_width"] == approx6(0.18148820326678766 * 500 / 100)
    assert (second["kind"], second["class"]) == ("keypoint", "keypoint_label2")
    assert second["x"] == approx6(17.78584392014519 * 500 / 100)
    assert second["y"] == approx6(28.510638297872344 * 320 / 100)


def test_coco_item_asset_annotation(pulled) -> None:
    p = pulled(COCO, COCO_CONFIG)
    (item,) = p["items"]
    (asset,) = p["assets"]
    (ann,) = p["annotations"]
    assert item["item_id"] == make_id("items", "src-name", "175210175")
    assert item["source"] == "src-name"
    assert item["source_ref"].endswith("test_export_coco/data.json#/0")
    assert item["is_gold"] is False
    assert item["language"] is None and item["split"] is None
    assert p.attrs(item) == {"task_id": 175210175, "project": 145970, "inner_id": 2}
    assert asset["asset_id"] == make_id("assets", item["item_id"], "image")
    assert asset["modality"] == "image"
    assert asset["uri"] == "test_image1.jpg"
    assert (asset["width"], asset["height"]) == (500, 320)  # learnt from original_width/height
    assert asset["content"] is None and asset["n_chars"] is None
    assert asset["source_ref"].endswith("data.json#/0/data/image")
    assert ann["annotation_id"] == make_id("annotations", item["item_id"], "annotation", "60205850")
    assert ann["annotator"] is None  # the export has no completed_by
    assert ann["origin"] == "human"
    assert ann["model"] is None
    assert ann["status"] == "submitted"
    assert ann["guideline_version"] == "1.0"
    assert ann["created_at"].isoformat() == "2025-05-02T08:49:24.923036+00:00"
    assert p.attrs(ann) == {"ls_id": 60205850, "lead_time": 18.158, "last_action": "submitted"}
    for label in p["labels"]:
        assert label["item_id"] == item["item_id"]
        assert label["asset_id"] == asset["asset_id"]
        assert label["annotation_id"] == ann["annotation_id"]


def test_rotated_rectangle_without_config(pulled) -> None:
    """data_obb.json: rotations 0-360 degrees are kept as they are; sizes differ per task."""
    p = pulled(OBB)
    box = p.label("#/0/annotations/0/result/0")
    assert (box["kind"], box["class"]) == ("box", "Butterfly")
    assert box["x"] == approx6(10.537066764905694 * 597 / 100)
    assert box["y"] == approx6(79.55767690059092 * 768 / 100)
    assert box["w"] == approx6(19.045470024656687 * 597 / 100)
    assert box["h"] == approx6(8.132522043893882 * 768 / 100)
    assert box["rotation"] == approx6(328.33240366032834)
    other = p.label("#/1/annotations/0/result/0")
    assert other["x"] == approx6(5.695220963642262 * 433 / 100)
    assert other["w"] == approx6(73.84200723054623 * 433 / 100)
    assert other["rotation"] == approx6(345.1381651311527)
    sizes = {a["uri"]: (a["width"], a["height"]) for a in p["assets"]}
    assert sizes == {"/image1": (597, 768), "/image2": (433, 768), "/image3": (716, 768)}
    assert {a["modality"] for a in p["assets"]} == {"image"}
    assert {a["annotator"] for a in p["annotations"]} == {"1"}


def test_rotated_rectangle_with_config_quarantines_wrong_case(pulled) -> None:
    """The config offers "butterfly"; the 24 boxes labelled "Butterfly" are quarantined."""
    p = pulled(OBB, OBB_CONFIG)
    (box,) = p["labels"]
    assert box["source_ref"].endswith("#/2/annotations/0/result/0")
    assert box["class"] == "butterfly"
    assert box["x"] == approx6(5.1223690855080095 * 716 / 100)
    assert box["y"] == approx6(40.39904033820293 * 768 / 100)
    assert box["w"] == approx6(45.446456836838664 * 716 / 100)
    assert box["h"] == approx6(19.298765128510293 * 768 / 100)
    assert box["rotation"] == approx6(348.08878456803336)
    q = p.one("quarantine", "#/0/annotations/0/result/0")
    assert q["record_kind"] == "labels"
    assert q["reason_code"] == "class_not_in_config"
    assert q["field"] == "class"
    assert "'Butterfly'" in q["message"] and "butterfly" in q["message"]
    assert '"id":"veUGPaahTw"' in q["excerpt"]
    assert len(p["quarantine"]) == 24


def test_polygon_of_json_export(pulled) -> None:
    p = pulled(JSON_MIN_FULL, JSON_MIN_CONFIG)
    poly = p.label("#/0/annotations/0/result/0")
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
    item_id = make_id("items", "src-name", "87")
    annotation_id = make_id("annotations", item_id, "annotation", "22")
    assert poly["item_id"] == item_id
    assert poly["annotation_id"] == annotation_id
    assert poly["label_id"] == make_id("labels", annotation_id, "qd1jIVAq1h")
    (ann,) = p["annotations"]
    assert ann["annotator"] == "1"  # completed_by: 1
    (asset,) = p["assets"]
    assert (asset["uri"], asset["width"], asset["height"]) == (
        "/data/upload/29/example.png",
        128,
        128,
    )


def test_polygon_without_original_size_stays_in_percent(pulled) -> None:
    p = pulled(POLYGONS, POLYGONS_CONFIG)
    poly = p.label("#/annotations/0/result/0")
    assert (poly["kind"], poly["class"]) == ("polygon", "Hello")
    assert poly["points"] == approx6(
        [
            27.2,
            41.24629080118694,
            25.73333333333333,
            70.62314540059347,
            48.13333333333333,
            62.61127596439169,
            48.13333333333333,
            32.93768545994065,
        ]
    )
    assert p.attrs(poly) == {"control": "tag", "units": "percent"}
    (asset,) = p["assets"]
    assert asset["name"] == "img"  # the object's name in the config
    assert asset["uri"].endswith("spacexmoon-800x501.jpg")
    assert asset["width"] is None and asset["height"] is None
    (item,) = p["items"]
    assert item["item_id"] == make_id("items", "src-name", "0")  # task id 0 is an id
    (ann,) = p["annotations"]  # no annotation id: numbered by position
    assert ann["annotation_id"] == make_id("annotations", item["item_id"], "annotation", "#0")
