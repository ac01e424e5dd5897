"""Golden tests of the doccano importer over doccano's own example files.

Expected rows are written by hand from the files (tests/assets/doccano/SOURCES.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from labelrelease.model.ids import make_id
from tests.unit.importing import ASSETS, SOURCE, Tables, attrs, pull_files

D = ASSETS / "doccano"
SYN = ASSETS / "doccano-synthetic"


@pytest.fixture(scope="module")
def pulled(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Tables]:
    cache: dict[tuple[Path, str], Tables] = {}

    def get(path: Path, **options: Any) -> Tables:
        key = (path, repr(sorted(options.items())))
        if key not in cache:
            out = tmp_path_factory.mktemp("doccano") / "out"
            cache[key] = pull_files([path], "doccano", out, options)
        return cache[key]

    return get


def spans(t: Tables) -> list[tuple[int, int, str, str]]:
    rows = [r for r in t["labels"] if r["kind"] == "span"]
    return sorted((r["char_start"], r["char_end"], r["class"], r["text"]) for r in rows)


def test_spans_as_triples(pulled: Callable[..., Tables]) -> None:
    t = pulled(D / "sequence_labeling" / "export_example.jsonl")
    first = t.one("labels", "#:1/label/1")
    assert (first["kind"], first["class"], first["char_start"], first["char_end"]) == (
        "span", "MISC", 11, 17,
    )  # fmt: skip
    assert first["text"] == "German"
    asset = t.one("assets", "#:1")
    assert asset["modality"] == "text" and asset["n_chars"] == 47
    assert asset["content"] == "EU rejects German call to boycott British lamb."
    assert first["asset_id"] == asset["asset_id"]
    assert t.one("items", "#:2")["item_id"] == make_id("items", SOURCE, "line:2")
    assert spans(t) == [(0, 2, "ORG", "EU"), (0, 15, "PERSON", "Peter Blackburn"),
                        (10, 15, "PERSON", "Obama"), (11, 17, "MISC", "German")]  # fmt: skip
    ann = t.one("annotations", "#:1")
    assert (ann["pass"], ann["origin"]) == ("text", "human")


def test_entities_as_objects_and_relations(pulled: Callable[..., Tables]) -> None:
    t = pulled(SYN / "relations.jsonl")
    assert t.one("items", "#:1")["item_id"] == make_id("items", SOURCE, "8")
    org = t.one("labels", "#:1/entities/0")
    assert (org["class"], org["text"], attrs(org)) == ("ORG", "Google", {"doccano_id": 15})
    date = t.one("labels", "#:1/entities/1")
    assert (date["char_start"], date["char_end"], date["text"]) == (22, 39, "September 4, 1998")
    links = sorted((r["relation"], r["from_label_id"], r["to_label_id"]) for r in t["links"])
    people = [t.one("labels", f"#:1/entities/{i}")["label_id"] for i in (2, 3)]
    assert links == sorted([
        ("foundedAt", org["label_id"], date["label_id"]),
        ("foundedBy", org["label_id"], people[0]),
        ("foundedBy", org["label_id"], people[1]),
    ])  # fmt: skip
    assert attrs(t.one("links", "#:1/relations/0")) == {"doccano_id": 10}
    assert attrs(t.one("items", "#:1")) == {"doccano_id": 8}  # empty Comments is not a value


def test_intent_spans_and_categories(pulled: Callable[..., Tables]) -> None:
    t = pulled(D / "intent_detection" / "example.jsonl")
    tag = t.one("labels", "#:1/cats/0")
    assert (tag["kind"], tag["class"], tag["char_start"]) == ("tag", "flight", None)
    wide = t.one("labels", "#:1/entities/0")  # [0, 26] covers more than the city
    assert (wide["text"], wide["class"]) == ("Find a flight from Memphis", "City")
    assert t.one("labels", "#:2/entities/0")["text"] == "Los Angeles"


def test_text_classification(pulled: Callable[..., Tables], tmp_path: Path) -> None:
    path = tmp_path / "classes.jsonl"
    path.write_text('{"text": "Terrible customer service.", "label": ["negative", "service"]}\n')
    t = pulled(path)
    assert sorted(r["class"] for r in t["labels"]) == ["negative", "service"]
    assert {r["kind"] for r in t["labels"]} == {"tag"}


def test_custom_column_names(pulled: Callable[..., Tables]) -> None:
    path = D / "sequence_labeling" / "import_example.jsonl"
    t = pulled(path, text_key="column_data", label_key="column_label")
    assert spans(t) == [(0, 2, "ORG", "EU"), (0, 15, "PERSON", "Peter Blackburn"),
                        (10, 15, "PERSON", "Obama")]  # fmt: skip
    plain = pulled(path)  # without the options the records cannot be read
    assert plain.reasons() == {"missing_field": 3}
    assert "text_key" in plain["quarantine"][0]["message"]


def test_image_captions(pulled: Callable[..., Tables]) -> None:
    t = pulled(D / "image_captioning" / "export_example.jsonl")
    cap = t.one("labels", "#:2/label/0")
    assert (cap["kind"], cap["text"], cap["class"]) == ("text", "bow", None)
    asset = t.one("assets", "#:2")
    assert (asset["modality"], asset["uri"], asset["content"]) == ("image", "dog.jpg", None)
    assert t.one("annotations", "#:2")["pass"] == "visual"


def test_image_classification_option(pulled: Callable[..., Tables]) -> None:
    t = pulled(D / "image_captioning" / "export_example.jsonl", task="image_classification")
    assert sorted((r["kind"], r["class"]) for r in t["labels"]) == [
        ("tag", "bow"), ("tag", "meow"), ("tag", "wee"),
    ]  # fmt: skip


def test_speech_to_text(pulled: Callable[..., Tables]) -> None:
    t = pulled(D / "speech_to_text" / "export_example.jsonl")
    asset = t.one("assets", "#:1")
    assert (asset["modality"], asset["uri"], asset["name"]) == ("audio", "20210514.mp3", "audio")
    text = t.one("labels", "#:1/label/0")
    assert (text["kind"], text["text"]) == ("text", "Lorem ipsum dolor sit amet")


def test_bounding_boxes(pulled: Callable[..., Tables]) -> None:
    t = pulled(SYN / "bounding_box.jsonl")
    box = t.one("labels", "#:1/bbox/0")
    assert (box["kind"], box["class"]) == ("box", "cat")
    assert [box[k] for k in ("x", "y", "w", "h")] == [11.0, 12.0, 64.0, 66.0]
    assert t.one("assets", "#:1")["modality"] == "image"


def test_export_that_is_not_jsonl_is_reported_per_line(pulled: Callable[..., Tables]) -> None:
    t = pulled(D / "bounding_box" / "export_example.jsonl")
    lines = sorted(int(r["source_ref"].rsplit(":", 1)[1]) for r in t["quarantine"])
    assert lines == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]  # line 12 is blank
    assert t.reasons() == {"invalid_json": 12}
    assert t.counts["files"]["taken"] == 1 and t["items"] == []
