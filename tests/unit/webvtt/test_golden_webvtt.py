"""Golden rows of the WebVTT importer over webvtt-py's test files (tests/assets/webvtt) and
small hand-written files for what those lack (voices, settings, STYLE, header metadata)."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelrelease.formats.base import ItemBinding
from labelrelease.model.ids import make_id
from tests.unit.av_pull import ASSETS, SOURCE, attrs, no_geometry, pull_file

VTT = ASSETS / "webvtt"


def test_sample_every_cue_and_its_recording(tmp_path: Path) -> None:
    t = pull_file(VTT / "sample.vtt", tmp_path / "out")
    assert t.counts["labels"] == {"in": 16, "taken": 16, "quarantined": 0, "reasons": {}}
    assert t.counts["files"]["taken"] == 1
    item_id = make_id("items", SOURCE, "sample.vtt")
    (item,) = t["items"]
    assert item == {
        "item_id": item_id,
        "source": SOURCE,
        "source_ref": "sample.vtt",
        "language": None,
        "split": None,
        "is_gold": False,
        "attributes": '{"cues":16,"format":"webvtt"}',
    }
    (asset,) = t["assets"]
    assert asset["asset_id"] == make_id("assets", item_id, "video")
    assert (asset["name"], asset["modality"], asset["uri"], asset["duration_s"]) == (
        "video", "video", None, None,
    )  # fmt: skip
    (ann,) = t["annotations"]
    assert ann["annotation_id"] == make_id("annotations", item_id, SOURCE, "webvtt", "sample.vtt")
    assert (ann["origin"], ann["pass"], ann["status"], ann["guideline_version"]) == (
        "human", "combined", "submitted", "1.0",
    )  # fmt: skip
    first = t.at("labels", "#L3")
    assert first == {
        **first,
        "label_id": make_id("labels", ann["annotation_id"], 1),
        "annotation_id": ann["annotation_id"],
        "item_id": item_id,
        "asset_id": asset["asset_id"],
        "kind": "text",
        "class": "transcript",
        "text": "Caption text #1",
        "t_start": 0.5,
        "t_end": 7.0,
        "score": None,
        "origin": "human",
        "attributes": None,
        "source_ref": "sample.vtt#L3",
    }
    no_geometry(first)
    last = t.at("labels", "#L48")
    assert (last["text"], last["t_start"], last["t_end"]) == ("Caption text #16", 61.35, 64.3)


def test_notes_header_identifiers_and_multiline_cues(tmp_path: Path) -> None:
    t = pull_file(VTT / "comments.vtt", tmp_path / "out")
    assert t.counts["labels"]["taken"] == 3
    assert attrs(t["items"][0]) == {
        "cues": 3,
        "format": "webvtt",
        "header": {"title": "- Translation of that film I like"},
        "notes": [
            "This translation was done by Kyle so that\n"
            "some friends can watch it with their parents."
        ],
    }
    one = t.at("labels", "#L7")
    assert one["text"] == "- Ta en kopp varmt te.\n- Det är inte varmt."
    assert (one["t_start"], one["t_end"]) == (135.0, 140.0)
    assert attrs(one) == {"identifier": "1"}
    two = t.at("labels", "#L12")  # trailing spaces of the last line are trimmed
    assert two["text"] == "- Har en kopp te.\n- Det smakar som te."
    three = t.at("labels", "#L19")  # a NOTE between cues belongs to the cue after it
    assert attrs(three) == {"identifier": "3", "notes": ["This last line may not translate well."]}


def test_short_timestamps_inline_timestamps_and_classes(tmp_path: Path) -> None:
    t = pull_file(VTT / "cue_tags.vtt", tmp_path / "out")
    moon = t.at("labels", "#L3")
    assert (moon["t_start"], moon["t_end"]) == (16.5, 18.5)  # 00:16.500 (mm:ss.ttt)
    assert moon["text"] == "When the moon hits your eye"
    assert attrs(moon) == {"raw": "When the moon <00:17.500>hits your eye"}
    amore = t.at("labels", "#L9")
    assert amore["text"] == "That's amore"
    assert attrs(amore) == {
        "classes": ["colorE5E5E5"],
        "raw": "That's <00:00:21.000><c.colorE5E5E5>amore</c>",
    }


def test_some_cues_with_identifiers(tmp_path: Path) -> None:
    t = pull_file(VTT / "using_identifiers.vtt", tmp_path / "out")
    assert t.counts["labels"]["taken"] == 6
    assert attrs(t.at("labels", "#L6")) == {"identifier": "second caption"}
    assert attrs(t.at("labels", "#L13")) == {"identifier": "4"}
    assert t.at("labels", "#L3")["attributes"] is None


def test_bom_is_skipped(tmp_path: Path) -> None:
    t = pull_file(VTT / "captions_with_bom.vtt", tmp_path / "out")
    first = t.at("labels", "#L3")
    assert (first["text"], first["t_start"], first["t_end"]) == ("Caption text #1", 0.5, 7.0)
    assert t.counts["labels"]["taken"] == 4


def test_cue_without_timing_is_quarantined_alone(tmp_path: Path) -> None:
    t = pull_file(VTT / "missing_timeframe.vtt", tmp_path / "out")
    assert t.counts["labels"] == {
        "in": 7, "taken": 6, "quarantined": 1, "reasons": {"missing_timing": 1},
    }  # fmt: skip
    (q,) = t["quarantine"]
    assert (q["record_kind"], q["source_ref"], q["reason_code"], q["field"], q["excerpt"]) == (
        "labels", "missing_timeframe.vtt#L6", "missing_timing", "timing", "Caption text #2",
    )  # fmt: skip
    assert "timing line" in q["message"]
    assert t.at("labels", "#L8")["text"] == "Caption text #3"


VOICES = """WEBVTT Interview
Kind: captions
Language: de

STYLE
::cue(.loud) { color: red }

00:01.000 --> 00:04.250 align:start line:0 position:10%
<v.first Anna Berger>Guten Morgen, &amp; willkommen!</v>

interview-2
00:04.250 --> 00:06.000
<v Anna Berger>Ja?</v> <v Ben>Nein, <b>nie</b> <c.loud>wieder</c>.</v>
"""


def test_voices_settings_entities_style_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "interview.vtt"
    path.write_text(VOICES, encoding="utf-8")
    t = pull_file(path, tmp_path / "out")
    (item,) = t["items"]
    assert item["language"] == "de"  # from the header's Language metadata
    assert attrs(item) == {
        "cues": 2,
        "format": "webvtt",
        "header": {"title": "Interview", "metadata": {"Kind": "captions", "Language": "de"}},
        "styles": ["::cue(.loud) { color: red }"],
    }
    first = t.at("labels", "#L8")
    assert first["text"] == "Guten Morgen, & willkommen!"
    assert (first["t_start"], first["t_end"]) == (1.0, 4.25)
    assert attrs(first) == {
        "classes": ["first"],
        "raw": "<v.first Anna Berger>Guten Morgen, &amp; willkommen!</v>",
        "settings": {"align": "start", "line": "0", "position": "10%"},
        "voice": "Anna Berger",
    }
    second = t.at("labels", "#L11")
    assert second["text"] == "Ja? Nein, nie wieder."
    assert attrs(second) == {
        "classes": ["loud"],
        "identifier": "interview-2",
        "raw": "<v Anna Berger>Ja?</v> <v Ben>Nein, <b>nie</b> <c.loud>wieder</c>.</v>",
        "voice": "Anna Berger",
        "voices": ["Anna Berger", "Ben"],
    }


def test_options_name_the_medium(tmp_path: Path) -> None:
    path = tmp_path / "clip01.vtt"
    path.write_bytes((VTT / "sample.vtt").read_bytes())
    options = {
        "media": "media/{stem}.wav",
        "language": "en",
        "class": "caption",
        "origin": "model",
        "model": "whisper-large-v3",
        "pass": "text",
    }
    t = pull_file(path, tmp_path / "out", options=options)
    (asset,) = t["assets"]
    assert (asset["name"], asset["modality"], asset["uri"]) == (
        "audio", "audio", "media/clip01.wav",
    )  # fmt: skip
    assert t["items"][0]["language"] == "en"
    (ann,) = t["annotations"]
    assert (ann["origin"], ann["model"], ann["status"], ann["pass"]) == (
        "model", "whisper-large-v3", "predicted", "text",
    )  # fmt: skip
    assert {(r["class"], r["origin"]) for r in t["labels"]} == {("caption", "model")}


def test_a_binding_puts_the_transcript_on_the_shared_item(tmp_path: Path) -> None:
    path = tmp_path / "clip01.vtt"
    path.write_bytes((VTT / "sample.vtt").read_bytes())
    binding = ItemBinding(group="clips", key="stem", asset="video")
    t = pull_file(path, tmp_path / "out", options={"media": "https://cdn/x/clip01.mp4"},
                  binding=binding)  # fmt: skip
    item_id = make_id("items", "@clips", "clip01")
    assert [r["item_id"] for r in t["items"]] == [item_id]
    (asset,) = t["assets"]
    assert (asset["asset_id"], asset["name"], asset["modality"]) == (
        make_id("assets", item_id, "video"), "video", "video",
    )  # fmt: skip
    assert {r["item_id"] for r in t["labels"]} == {item_id}


@pytest.mark.parametrize("name", ["sample.vtt", "comments.vtt", "cue_tags.vtt"])
def test_reimport_gives_identical_ids(tmp_path: Path, name: str) -> None:
    a = pull_file(VTT / name, tmp_path / "a")
    b = pull_file(VTT / name, tmp_path / "b")
    assert a["labels"] == b["labels"]
    assert len({r["label_id"] for r in a["labels"]}) == len(a["labels"])
