"""Golden rows for value results of the real Label Studio fixtures: number, datetime, textarea
(a list of texts, one row each), choices (with quotes, tabs, newlines and Cyrillic), taxonomy
(paths joined by "/"), and textareas of page images."""

from __future__ import annotations

from pathlib import Path

from labelrelease.model.ids import make_id

LS = Path(__file__).resolve().parents[2] / "assets" / "label-studio"
FE = LS / "label-studio-frontend"
SDK = LS / "label-studio-sdk"
MIXED = FE / "classification_mixed" / "annotations" / "1.json"
MIXED_CONFIG = FE / "classification_mixed" / "config.xml"
CSV2 = SDK / "test_export_csv" / "csv_test2.json"
DOCLANG = SDK / "test_export_doclang" / "data.json"

EMPTY_GEOMETRY = ("x", "y", "w", "h", "rotation", "points", "char_start", "t_start", "frame_start")


def test_number(pulled) -> None:
    p = pulled(MIXED, MIXED_CONFIG)
    n = p.label("#/annotations/0/result/0")
    assert n["kind"] == "number"
    assert n["number"] == 2.0
    assert n["class"] is None and n["text"] is None
    for empty in EMPTY_GEOMETRY:
        assert n[empty] is None, empty
    assert p.attrs(n) == {"control": "num"}


def test_datetime(pulled) -> None:
    p = pulled(MIXED, MIXED_CONFIG)
    dt = p.label("#/annotations/0/result/1")
    assert dt["kind"] == "datetime"
    assert dt["text"] == "1991-05-22T09:17"
    assert dt["number"] is None and dt["class"] is None
    assert p.attrs(dt) == {"control": "dt"}


def test_textarea_list_gives_one_row_per_text(pulled) -> None:
    p = pulled(MIXED, MIXED_CONFIG)
    rows = p.rows("labels", "#/annotations/0/result/2")
    assert sorted(r["text"] for r in rows) == ["Hello", "World"]
    assert {r["kind"] for r in rows} == {"text"}
    assert {r["class"] for r in rows} == {None}
    assert len({r["label_id"] for r in rows}) == 2
    assert [p.attrs(r) for r in rows] == [{"control": "txt"}] * 2


def test_choices(pulled) -> None:
    p = pulled(MIXED, MIXED_CONFIG)
    tag = p.label("#/annotations/0/result/3")
    assert (tag["kind"], tag["class"], tag["text"]) == ("tag", "Choice 1", None)
    assert p.attrs(tag) == {"control": "choices"}


def test_taxonomy(pulled) -> None:
    p = pulled(MIXED, MIXED_CONFIG)
    tag = p.label("#/annotations/0/result/4")
    assert (tag["kind"], tag["class"]) == ("tag", "Choice 2/Choice 2.1")
    assert p.attrs(tag) == {"control": "taxonomy", "taxonomy": [["Choice 2", "Choice 2.1"]]}


def test_classification_results_of_a_static_text_have_no_asset(pulled) -> None:
    """The config's <Text> shows a constant (no $key), the data holds only an image: results
    that point at "text" are kept without an asset; the predictions' boxes land on the image."""
    p = pulled(MIXED, MIXED_CONFIG)
    (asset,) = p["assets"]
    assert (asset["name"], asset["modality"]) == ("image", "image")
    human = [r for r in p["labels"] if r["origin"] == "human"]
    assert len(human) == 6
    assert {r["asset_id"] for r in human} == {None}
    boxes = [r for r in p["labels"] if r["origin"] == "model"]
    assert {r["asset_id"] for r in boxes} == {asset["asset_id"]}


def test_choice_with_quotes_newlines_tabs_and_cyrillic(pulled) -> None:
    p = pulled(CSV2)
    tag = p.label("#/0/annotations/0/result/0")
    assert tag["kind"] == "tag"
    assert tag["class"] == 'Yes " "" \n \t \t \u0430 \u0431 \u0432 \n'  # Cyrillic a, b, v
    assert p.attrs(tag) == {"control": "uri_selection"}
    (ann,) = p["annotations"]
    assert ann["annotator"] == "test@heartex.com"
    assert ann["status"] == "submitted"
    (item,) = p["items"]
    assert item["item_id"] == make_id("items", "src-name", "4")


def test_doclang_boxes_and_textareas(pulled) -> None:
    p = pulled(DOCLANG)
    box = p.label("#/0/annotations/0/result/0")
    assert (box["kind"], box["class"]) == ("box", "Section-header")
    assert (box["x"], box["y"], box["w"], box["h"]) == (5.0, 10.0, 40.0, 15.0)
    assert p.attrs(box) == {"control": "docling", "units": "percent"}
    text = p.label("#/0/annotations/0/result/1")
    assert text["kind"] == "text"
    assert text["text"] == (
        "<doclang><section>Intro</section><page_break/><section>Body</section></doclang>"
    )
    assert p.attrs(text) == {"control": "doclang"}

    # a result without an id is keyed by its position
    nameless = p.label("#/1/annotations/0/result/0")
    assert (nameless["class"], nameless["x"], nameless["y"], nameless["w"], nameless["h"]) == (
        "Text",
        1.0,
        2.0,
        3.0,
        4.0,
    )
    annotation_id = make_id("annotations", make_id("items", "src-name", "2"), "annotation", "22")
    assert nameless["annotation_id"] == annotation_id
    assert nameless["label_id"] == make_id("labels", annotation_id, "#0")

    uris = sorted(a["uri"] for a in p["assets"])
    assert uris == [f"https://example.com/pages/page-{i}.png" for i in (1, 2, 3)]


def test_results_naming_the_same_object_share_an_asset(pulled) -> None:
    p = pulled(DOCLANG)
    box = p.label("#/0/annotations/0/result/0")
    text = p.label("#/0/annotations/0/result/1")
    assert text["asset_id"] == box["asset_id"]
