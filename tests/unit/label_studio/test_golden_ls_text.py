"""Golden rows for text results of the real Label Studio fixtures: ``labels`` spans on a Text,
``paragraphlabels`` on Paragraphs (indexes given as strings), and a span whose offsets do not
hold its text (quarantined, with the place the text really is)."""

from __future__ import annotations

from pathlib import Path

from labelrelease.model.ids import make_id

LS = Path(__file__).resolve().parents[2] / "assets" / "label-studio"
FE = LS / "label-studio-frontend"
NER = FE / "named_entity" / "annotations" / "1.json"
NER_TASKS = FE / "named_entity" / "tasks.json"
NER_CONFIG = FE / "named_entity" / "config.xml"
PARAGRAPHS = FE / "audio_video_paragraphs" / "annotations" / "1.json"
PARAGRAPHS_CONFIG = FE / "audio_video_paragraphs" / "config.xml"
KIJI = LS / "kiji-proxy" / "sample_predictions.json"
KIJI_CONFIG = LS / "kiji-proxy" / "LabelingConfig.txt"

DIALOGUE = [
    "Dont you hate that?",
    "Hate what?",
    "Uncomfortable silences. Why do we feel its necessary to yak about nonsense in order to be "
    "comfortable?",
    "I dont know. Thats a good question.",
    "Thats when you know you found somebody really special. When you can just shut the door "
    "closed a minute, and comfortably share silence.",
]


def test_named_entity_span(pulled) -> None:
    p = pulled(NER, NER_CONFIG)
    span = p.label("#/annotations/0/result/0")
    assert span["kind"] == "span"
    assert span["class"] == "Date"
    assert (span["char_start"], span["char_end"]) == (343, 354)
    assert span["text"] == "February 22"
    for empty in ("x", "y", "w", "h", "points", "t_start", "t_end", "frame_start", "number"):
        assert span[empty] is None, empty
    assert span["origin"] == "human"
    assert p.attrs(span) == {"control": "ner"}
    (asset,) = p["assets"]
    assert span["asset_id"] == asset["asset_id"]
    assert asset["modality"] == "text"
    assert asset["uri"] is None
    assert asset["n_chars"] == 915
    assert asset["content"][343:354] == "February 22"
    (ann,) = p["annotations"]
    assert ann["annotation_id"] == make_id(
        "annotations", make_id("items", "src-name", "1"), "annotation", "1001"
    )
    assert p.attrs(ann) == {"ls_id": "1001"}


def test_named_entity_prediction_of_a_task_list(pulled) -> None:
    """tasks.json: an import task (no id) with a prediction (no id, model_version "model 1")."""
    p = pulled(NER_TASKS, NER_CONFIG)
    span = p.label("#/0/predictions/0/result/0")
    assert (span["kind"], span["class"], span["text"]) == ("span", "Date", "February 22")
    assert (span["char_start"], span["char_end"]) == (343, 354)
    assert span["origin"] == "model"
    (ann,) = p["annotations"]
    assert (ann["origin"], ann["model"], ann["status"]) == ("model", "model 1", "predicted")
    assert ann["annotator"] is None
    (item,) = p["items"]
    assert item["attributes"] is None  # no task id, no meta
    assert ann["annotation_id"] == make_id("annotations", item["item_id"], "prediction", "#0")


def test_paragraph_span_with_string_indexes(pulled) -> None:
    """start "2" / end "4" are paragraph indexes as strings; offsets count inside paragraphs,
    and the canonical offsets count in the paragraphs joined by newlines."""
    p = pulled(PARAGRAPHS, PARAGRAPHS_CONFIG)
    span = p.label("#/annotations/0/result/0")
    start = len(DIALOGUE[0]) + 1 + len(DIALOGUE[1]) + 1 + 0
    end = sum(len(t) + 1 for t in DIALOGUE[:4]) + 134
    assert (start, end) == (31, 304)
    assert span["kind"] == "span"
    assert span["class"] == "Important Stuff"
    assert (span["char_start"], span["char_end"]) == (start, end)
    assert span["text"] == "\n".join(DIALOGUE[2:5])
    assert p.attrs(span) == {
        "control": "label",
        "paragraph_start": 2,
        "paragraph_end": 4,
        "start_offset": 0,
        "end_offset": 134,
    }
    text = p.by_id("assets", span["asset_id"])
    assert text["name"] == "text"
    assert text["modality"] == "text"
    assert text["content"] == "\n".join(DIALOGUE)
    assert text["n_chars"] == 304
    assert p.attrs(text) == {
        "data_key": "dialogue",
        "paragraphs": [
            {"author": "Mia Wallace"},
            {"author": "Vincent Vega:"},
            {"author": "Mia Wallace:"},
            {"author": "Vincent Vega:"},
            {"author": "Mia Wallace:"},
        ],
    }


def test_kiji_spans_without_config(pulled) -> None:
    p = pulled(KIJI)
    expected = {
        "/result/0": ("Person", 0, 10, "John Smith"),
        "/result/1": ("Person", 15, 19, "Mary"),
        "/result/2": ("Pronoun", 33, 35, "He"),
        "/result/3": ("Pronoun", 44, 47, "her"),
    }
    for suffix, (cls, start, end, text) in expected.items():
        span = p.label("#/0/predictions/0" + suffix)
        assert (span["kind"], span["class"]) == ("span", cls)
        assert (span["char_start"], span["char_end"], span["text"]) == (start, end, text)
        assert span["origin"] == "model"


def test_kiji_email_with_wrong_offsets_is_quarantined(pulled) -> None:
    """The Email span says 68:90 but the 85-character text holds the address at 62:84."""
    text = "John Smith met Mary at the park. He greeted her warmly. Email john.smith@example.com."
    assert (len(text), text.find("john.smith@example.com")) == (85, 62)
    for p in (pulled(KIJI), pulled(KIJI, KIJI_CONFIG)):
        assert p.rows("labels", "#/0/predictions/0/result/4") == []
        q = p.one("quarantine", "#/0/predictions/0/result/4")
        assert q["record_kind"] == "labels"
        assert q["reason_code"] == "span_out_of_range"
        assert "68:90" in q["message"]
        assert "62:84" in q["message"]  # where the text really is
        assert '"id":"ent-5"' in q["excerpt"]


def test_kiji_labels_not_in_config_are_quarantined(pulled) -> None:
    p = pulled(KIJI, KIJI_CONFIG)
    assert p["labels"] == []
    for j, cls in enumerate(["Person", "Person", "Pronoun", "Pronoun"]):
        q = p.one("quarantine", f"#/0/predictions/0/result/{j}")
        assert q["reason_code"] == "class_not_in_config"
        assert f"'{cls}'" in q["message"]
    for j, region in ((5, "ent-3"), (6, "ent-4")):
        q = p.one("quarantine", f"#/0/predictions/0/result/{j}")
        assert q["record_kind"] == "links"
        assert q["reason_code"] == "dangling_relation"
        assert repr(region) in q["message"]
