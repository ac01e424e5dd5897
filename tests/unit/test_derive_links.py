"""Derived links: contract rules evaluated in DuckDB over labels (``pull.derive``)."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest
import yaml

from labelrelease.contract.load import contract_from_data
from labelrelease.contract.model import Contract
from labelrelease.errors import ConfigError
from labelrelease.model.schema import LABELS, LINKS
from labelrelease.pull.derive import derive_links

BASE: dict[str, Any] = {
    "guideline_version": "1.0",
    "modalities": {"video": {"kinds": ["box", "time_span", "text", "span"]}},
    "kinds": {
        "box": {"required": ["x", "y", "w", "h"]},
        "time_span": {"required": ["t_start", "t_end"]},
        "text": {"required": ["text"], "optional": ["t_start", "t_end"]},
        "span": {"required": ["char_start", "char_end"]},
    },
    "taxonomy": {
        "mode": "strict",
        "free_class_kinds": ["text"],
        "classes": {
            "Speaker": {},
            "SPEAKER_A": {"parent": "Speaker"},
            "SPEAKER_B": {"parent": "Speaker"},
            "Vehicle": {"synonyms": ["vehicle"]},
            "Car": {"parent": "Vehicle", "synonyms": ["car", "taxi"]},
            "Dog": {"synonyms": ["dog", "puppy"]},
            "croquet_ball": {"synonyms": ["croquet ball"]},
        },
    },
    "cross_modal": {
        "relations": {
            "said_by": {"from": ["text", "span"], "to": ["time_span"]},
            "describes": {"from": ["text", "span"], "to": ["box"]},
        },
        "rules": {
            "cue_speaker": {
                "relation": "said_by",
                "match": "time_overlap",
                "min_iou": 0.3,
                "from": {"kinds": ["text"], "classes": ["transcript"]},
                "to": {"kinds": ["time_span"], "parent": "Speaker"},
            },
            "caption_objects": {
                "relation": "describes",
                "match": "synonym",
                "from": {"kinds": ["text", "span"]},
                "to": {"kinds": ["box"]},
            },
        },
    },
}


def contract(data: dict[str, Any] | None = None) -> Contract:
    return contract_from_data(data or BASE, source="pipelines/contract.yaml")


def label(label_id: str, kind: str, cls: str | None, item: str = "it1", ann: str = "an1",
          **fields: Any) -> dict[str, Any]:  # fmt: skip
    row = {f.name: None for f in LABELS}
    row.update(label_id=label_id, annotation_id=ann, item_id=item, kind=kind, origin="human",
               source_ref="x", **{"class": cls}, **fields)  # fmt: skip
    return row


def run(rows: list[dict[str, Any]], links: list[dict[str, Any]] | None = None,
        c: Contract | None = None) -> tuple[dict[str, int], list[dict[str, Any]]]:  # fmt: skip
    con = duckdb.connect()
    con.register("l_arrow", pa.Table.from_pylist(rows, schema=LABELS))
    con.execute("CREATE TABLE labels AS SELECT * FROM l_arrow")
    con.register("k_arrow", pa.Table.from_pylist(links or [], schema=LINKS))
    con.execute("CREATE TABLE links AS SELECT * FROM k_arrow")
    counts = derive_links(con, c or contract())
    out = con.sql("SELECT * FROM links ORDER BY rule, from_label_id, to_label_id").to_arrow_table()
    return counts, out.to_pylist()


def test_cue_links_to_the_speaker_turn_it_overlaps_most() -> None:
    rows = [
        label("cue1", "text", "transcript", ann="vtt", text="hello there", t_start=1.0, t_end=3.0),
        label("cue2", "text", "transcript", ann="vtt", text="bye", t_start=10.0, t_end=11.0),
        label("turnA", "time_span", "SPEAKER_A", ann="rttm", t_start=0.5, t_end=3.5),
        label("turnB", "time_span", "SPEAKER_B", ann="rttm", t_start=2.5, t_end=9.0),
        # another item: never linked across items
        label("turnX", "time_span", "SPEAKER_A", item="it2", ann="r2", t_start=0.0, t_end=3.0),
    ]
    counts, links = run(rows)
    said = [k for k in links if k["rule"] == "cue_speaker"]
    assert counts["cue_speaker"] == 1
    (link,) = said
    assert (link["from_label_id"], link["to_label_id"]) == ("cue1", "turnA")
    assert (link["origin"], link["relation"], link["direction"]) == ("rule", "said_by", "right")
    assert link["annotation_id"] == "vtt" and link["item_id"] == "it1"
    assert link["attributes"] == '{"iou":0.666667}'  # 2.0 / 3.0
    assert link["source_ref"] == "pipelines/contract.yaml#/cross_modal/rules/cue_speaker"
    assert link["link_id"].startswith("lk_") and len(link["link_id"]) == 23


def test_overlap_below_min_iou_makes_no_link() -> None:
    rows = [
        label("cue1", "text", "transcript", text="hi", t_start=0.0, t_end=1.0),
        label("turnA", "time_span", "SPEAKER_A", t_start=0.9, t_end=10.0),  # IoU 0.01
    ]
    counts, links = run(rows)
    assert counts["cue_speaker"] == 0 and links == []


def test_caption_words_name_boxes_of_the_class_and_its_children() -> None:
    rows = [
        label("cap", "text", "caption", text="A puppy chases the Vehicle; a croquet ball."),
        label("car", "box", "Car", x=1.0, y=1.0, w=2.0, h=2.0),
        label("dog", "box", "Dog", x=1.0, y=1.0, w=2.0, h=2.0),
        label("ball", "box", "croquet_ball", x=1.0, y=1.0, w=2.0, h=2.0),
        label("person", "box", "SPEAKER_A", x=1.0, y=1.0, w=2.0, h=2.0),
    ]
    counts, links = run(rows)
    found = {(k["from_label_id"], k["to_label_id"], k["attributes"]) for k in links}
    assert found == {
        ("cap", "car", '{"word":"vehicle"}'),
        ("cap", "dog", '{"word":"puppy"}'),
        ("cap", "ball", '{"word":"croquet ball"}'),
    }
    assert counts == {"cue_speaker": 0, "caption_objects": 3}


def test_a_link_a_tool_already_holds_is_not_derived_again() -> None:
    rows = [
        label("cap", "span", "Animals", text="the dog", char_start=0, char_end=7),
        label("dog", "box", "Dog", x=1.0, y=1.0, w=2.0, h=2.0),
    ]
    drawn = {f.name: None for f in LINKS}
    drawn.update(link_id="lk_drawn", item_id="it1", annotation_id="an1", from_label_id="dog",
                 to_label_id="cap", relation="describes", direction="left", origin="human",
                 source_ref="x")  # fmt: skip
    counts, links = run(rows, [drawn])
    assert counts["caption_objects"] == 0 and [k["link_id"] for k in links] == ["lk_drawn"]


def test_annotation_scope_keeps_passes_apart() -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["cross_modal"]["rules"]["caption_objects"]["scope"] = "annotation"
    rows = [
        label("cap", "text", "caption", ann="a1", text="a dog"),
        label("dog1", "box", "Dog", ann="a1", x=1.0, y=1.0, w=2.0, h=2.0),
        label("dog2", "box", "Dog", ann="a2", x=1.0, y=1.0, w=2.0, h=2.0),
    ]
    _, links = run(rows, c=contract(data))
    assert [(k["from_label_id"], k["to_label_id"]) for k in links] == [("cap", "dog1")]


def test_derived_ids_are_stable() -> None:
    rows = [
        label("cap", "text", "caption", text="a dog"),
        label("dog", "box", "Dog", x=1.0, y=1.0, w=2.0, h=2.0),
    ]
    assert run(rows)[1][0]["link_id"] == run(rows)[1][0]["link_id"]


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        ({"relation": "knows"}, "rules.caption_objects.relation", "not in cross_modal.relations"),
        ({"match": "nearest"}, "rules.caption_objects.match", "unknown match"),
        ({"to": {"kinds": ["time_span"]}}, "rules.caption_objects.to", "cannot be the `to` end"),
        ({"to": {"parent": "Cat"}}, "rules.caption_objects.to.parent", "not in the taxonomy"),
        ({"min_iou": 0.5}, "rules.caption_objects.min_iou", "only to `match: time_overlap`"),
        ({"colour": "red"}, "rules.caption_objects", "colour"),
    ],
)
def test_bad_rules_name_the_key(change: dict[str, Any], key: str, expected: str) -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["cross_modal"]["rules"]["caption_objects"].update(change)
    with pytest.raises(ConfigError) as e:
        contract(data)
    assert key in e.value.message and expected in e.value.message
