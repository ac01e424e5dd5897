"""Golden rows for passes of the real Label Studio fixtures: model predictions (two passes with
their model_version), a rejected review with its reviewer, pre-labels kept or edited by a human,
a cancelled annotation, relations between spans, and the IDs that tie them together."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labelrelease.model.ids import make_id

LS = Path(__file__).resolve().parents[2] / "assets" / "label-studio"
FE = LS / "label-studio-frontend"
SDK = LS / "label-studio-sdk"
BBOX = FE / "image_bbox" / "annotations" / "1.json"
BBOX_CONFIG = FE / "image_bbox" / "config.xml"
CSV = SDK / "test_export_csv" / "csv_test.json"
DOCLANG = SDK / "test_export_doclang" / "data.json"
KIJI = LS / "kiji-proxy" / "sample_predictions.json"


def approx6(value):
    return pytest.approx(value, abs=1e-6)


def test_two_model_passes(pulled) -> None:
    """image_bbox: one human box and two predictions ("model 1", "model 2") of one region id."""
    p = pulled(BBOX, BBOX_CONFIG)
    item_id = make_id("items", "src-name", "1")
    human = p.one("annotations", "#/annotations/0")
    m1 = p.one("annotations", "#/predictions/0")
    m2 = p.one("annotations", "#/predictions/1")
    assert (human["origin"], human["model"], human["status"]) == ("human", None, "submitted")
    assert p.attrs(human) == {"ls_id": "1001", "lead_time": 15.053}
    for ann, model in ((m1, "model 1"), (m2, "model 2")):
        assert ann["origin"] == "model"
        assert ann["model"] == model
        assert ann["status"] == "predicted"
        assert ann["annotator"] is None and ann["reviewer"] is None
        assert ann["guideline_version"] == "1.0"
        assert ann["item_id"] == item_id
    # predictions without an id are numbered by position, apart from annotations
    assert m1["annotation_id"] == make_id("annotations", item_id, "prediction", "#0")
    assert m2["annotation_id"] == make_id("annotations", item_id, "prediction", "#1")

    box1 = p.label("#/predictions/0/result/0")
    box2 = p.label("#/predictions/1/result/0")
    for box in (box1, box2):
        assert (box["kind"], box["class"], box["origin"]) == ("box", "Moonwalker", "model")
        assert (box["x"], box["w"]) == (approx6(13.2), approx6(39.6))  # percent: no size
        assert p.attrs(box) == {"control": "tag", "units": "percent"}
    assert (box1["y"], box1["h"]) == (approx6(34.702495201535505), approx6(11.612284069097889))
    assert (box2["y"], box2["h"]) == (approx6(54.702495201535505), approx6(33.61228406909789))
    assert box1["annotation_id"] == m1["annotation_id"]
    assert box2["annotation_id"] == m2["annotation_id"]
    # one region id ("t5sp3TyXPo") in two passes: two labels
    assert box1["label_id"] == make_id("labels", m1["annotation_id"], "t5sp3TyXPo")
    assert box2["label_id"] == make_id("labels", m2["annotation_id"], "t5sp3TyXPo")
    assert box1["label_id"] != box2["label_id"]

    mine = p.label("#/annotations/0/result/0")
    assert (mine["origin"], mine["class"]) == ("human", "Moonwalker")
    assert (mine["x"], mine["y"]) == (approx6(50.8), approx6(5.869797225186766))
    assert (mine["w"], mine["h"]) == (approx6(12.4), approx6(10.458911419423693))


def test_rejected_review_and_edited_prelabel(pulled) -> None:
    """csv_test.json task 1: the human box started from prediction 1 and was changed
    ("prediction-changed"); the review rejected it."""
    p = pulled(CSV)
    item_id = make_id("items", "src-name", "1")
    ann = p.one("annotations", "#/0/annotations/0")
    pred = p.one("annotations", "#/0/predictions/0")
    assert ann["annotation_id"] == make_id("annotations", item_id, "annotation", "7")
    assert pred["annotation_id"] == make_id("annotations", item_id, "prediction", "1")
    assert ann["annotator"] == "hakan@heartex.com"  # completed_by is an object: its email
    assert ann["status"] == "rejected"
    assert ann["reviewer"] == "review@heartex.com"
    assert ann["prelabeled_from"] == pred["annotation_id"]  # parent_prediction: 1
    assert ann["origin"] == "human" and ann["model"] is None
    assert ann["created_at"].isoformat() == "2022-10-31T21:19:19.131290+00:00"
    assert p.attrs(ann) == {
        "ls_id": 7,
        "lead_time": 7.662,
        "last_action": "rejected",
        "parent_prediction": 1,
        "reviews": [
            {
                "reviewer": "review@heartex.com",
                "accepted": False,
                "created_at": "2022-11-02T20:38:25.027900Z",
            }
        ],
    }
    assert (pred["model"], pred["status"], pred["origin"]) == ("model 0", "predicted", "model")
    assert pred["score"] == approx6(0.7212843313260696)
    assert pred["annotator"] is None

    edited = p.label("#/0/annotations/0/result/0")
    assert edited["origin"] == "prelabel_edited"
    assert edited["class"] == "Car"
    assert edited["score"] == approx6(0.23053804129850775)
    assert edited["x"] == approx6(4.857412088705009 * 768 / 100)
    assert edited["y"] == approx6(11.690682128240109 * 576 / 100)
    assert edited["w"] == approx6(92.51 * 768 / 100)
    assert edited["h"] == approx6(71.76 * 576 / 100)

    # The prediction has no original size; its image's size is known from the annotation.
    predicted = p.label("#/0/predictions/0/result/0")
    assert predicted["origin"] == "model"
    assert predicted["x"] == approx6(3.63 * 768 / 100)
    assert predicted["y"] == approx6(10.19 * 576 / 100)
    assert predicted["w"] == approx6(92.51 * 768 / 100)
    assert predicted["h"] == approx6(71.76 * 576 / 100)
    assert predicted["score"] == approx6(0.23053804129850775)

    # the same region id "oid3" in the annotation and in the prediction: two labels
    assert edited["label_id"] == make_id("labels", ann["annotation_id"], "oid3")
    assert predicted["label_id"] == make_id("labels", pred["annotation_id"], "oid3")
    assert edited["label_id"] != predicted["label_id"]

    image = p.by_id("assets", edited["asset_id"])
    assert image["name"] == "image"
    assert image["uri"] == "https://data.heartex.net/open-images/train_0/mini/0030019819f25b28.jpg"
    assert (image["width"], image["height"]) == (768, 576)
    assert predicted["asset_id"] == image["asset_id"]


def test_kept_prelabel_and_manual_box(pulled) -> None:
    """csv_test.json task 2: one box kept from the prediction ("prediction"), one drawn."""
    p = pulled(CSV)
    kept = p.label("#/1/annotations/0/result/0")
    drawn = p.label("#/1/annotations/0/result/1")
    assert kept["origin"] == "prelabel"
    assert drawn["origin"] == "human"
    assert drawn["score"] is None
    assert kept["x"] == approx6(92.93 * 768 / 100)
    assert kept["y"] == approx6(57.39 * 510 / 100)
    assert kept["w"] == approx6(7.5 * 768 / 100)
    assert kept["h"] == approx6(44.18 * 510 / 100)
    assert drawn["x"] == approx6(0.09061020520990352 * 768 / 100)
    assert drawn["y"] == approx6(32.46930422919508 * 510 / 100)
    assert drawn["w"] == approx6(9.784276944065466 * 768 / 100)
    assert drawn["h"] == approx6(14.73396998635743 * 510 / 100)
    ann = p.one("annotations", "#/1/annotations/0")
    assert (ann["status"], ann["reviewer"]) == ("rejected", "review@heartex.com")
    image = p.by_id("assets", kept["asset_id"])
    assert (image["width"], image["height"]) == (768, 510)


def test_csv_task_data_gives_three_assets(pulled) -> None:
    p = pulled(CSV)
    item_id = make_id("items", "src-name", "1")
    assets = {a["name"]: a for a in p["assets"] if a["item_id"] == item_id}
    assert {n: a["modality"] for n, a in assets.items()} == {
        "text": "text",
        "audio": "audio",
        "image": "image",
    }
    text = "Calif. wildfires signal the arrival of a planetary fire age https://t.co/Vvo9noqQfA"
    assert assets["text"]["content"] == text
    assert assets["text"]["n_chars"] == len(text) == 83
    assert assets["audio"]["uri"].endswith("3536-8226-0024.flac.wav")
    assert assets["audio"]["width"] is None


def test_cancelled_annotation(pulled) -> None:
    p = pulled(DOCLANG)
    ann = p.one("annotations", "#/2/annotations/0")
    assert ann["status"] == "cancelled"
    assert ann["annotator"] is None
    assert p.attrs(ann) == {"ls_id": 33}
    text = p.label("#/2/annotations/0/result/0")  # its result is kept, under the cancelled pass
    assert (text["kind"], text["text"]) == ("text", "<doclang>skipped</doclang>")
    assert text["annotation_id"] == ann["annotation_id"]
    assert {a["status"] for a in p["annotations"]} == {"submitted", "cancelled"}


def test_relations_between_predicted_spans(pulled) -> None:
    """kiji-proxy: He -> John Smith and her -> Mary (direction right, no labels)."""
    p = pulled(KIJI)
    pred = p.one("annotations", "#/0/predictions/0")
    assert (pred["model"], pred["score"], pred["status"]) == ("coref-v1", 0.95, "predicted")
    ids = {j: p.label(f"#/0/predictions/0/result/{j}")["label_id"] for j in range(4)}
    he_john = p.one("links", "#/0/predictions/0/result/5")
    her_mary = p.one("links", "#/0/predictions/0/result/6")
    assert (he_john["from_label_id"], he_john["to_label_id"]) == (ids[2], ids[0])
    assert (her_mary["from_label_id"], her_mary["to_label_id"]) == (ids[3], ids[1])
    for link in (he_john, her_mary):
        assert link["relation"] == "related"
        assert link["direction"] == "forward"
        assert link["annotation_id"] == pred["annotation_id"]
        assert link["item_id"] == pred["item_id"]
        assert p.attrs(link) == {"ls_direction": "right"}
    assert he_john["link_id"] == make_id("links", pred["annotation_id"], ids[2], ids[0], "related")
    assert ids[2] == make_id("labels", pred["annotation_id"], "ent-3")


def test_reimport_gives_the_same_ids(pulled, tmp_path: Path) -> None:
    """IDs come from the source name and the ids in the file, not from where the file lies."""
    copy = tmp_path / "elsewhere" / "export.json"
    copy.parent.mkdir()
    shutil.copyfile(CSV, copy)
    first, again = pulled(CSV), pulled(copy)
    for table, key in (
        ("items", "item_id"),
        ("assets", "asset_id"),
        ("annotations", "annotation_id"),
        ("labels", "label_id"),
    ):
        assert [r[key] for r in first[table]] == [r[key] for r in again[table]], table
        assert len({r[key] for r in first[table]}) == len(first[table]), table
    assert [r["prelabeled_from"] for r in first["annotations"]] == [
        r["prelabeled_from"] for r in again["annotations"]
    ]
