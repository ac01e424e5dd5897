"""Golden rows of the SRT importer (tests/assets/srt) and hand-written SRT for markup,
encodings and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelrelease.errors import ConfigError
from labelrelease.model.ids import make_id
from tests.unit.av_pull import ASSETS, SOURCE, attrs, no_geometry, pull_file

SAMPLE = ASSETS / "srt" / "sample.srt"


def test_sample_cues(tmp_path: Path) -> None:
    t = pull_file(SAMPLE, tmp_path / "out")
    assert t.counts["labels"] == {"in": 5, "taken": 5, "quarantined": 0, "reasons": {}}
    item_id = make_id("items", SOURCE, "sample.srt")
    assert attrs(t["items"][0]) == {"cues": 5, "format": "srt"}
    annotation_id = make_id("annotations", item_id, SOURCE, "srt", "sample.srt")
    first = t.at("labels", "#L1")
    assert first == {
        **first,
        "label_id": make_id("labels", annotation_id, 1),
        "annotation_id": annotation_id,
        "item_id": item_id,
        "asset_id": make_id("assets", item_id, "video"),
        "kind": "text",
        "class": "transcript",
        "text": "Caption text #1",
        "t_start": 0.5,
        "t_end": 7.0,
        "origin": "human",
        "attributes": '{"identifier":"1"}',
        "source_ref": "sample.srt#L1",
    }
    no_geometry(first)
    fifth = t.at("labels", "#L17")
    assert (fifth["text"], fifth["t_start"], fifth["t_end"]) == ("Caption text #5", 21.58, 23.88)


MARKUP = """1
00:00:01,000 --> 00:00:02,500 X1:40 X2:600 Y1:20 Y2:50
{\\an8}<i>Il pleut</i> <font color="#ffff00">encore</font>

2
00:00:03,000 --> 00:00:04,000
<b>Déjà</b> vu &amp; fini
"""


def test_markup_is_stripped_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "fr.srt"
    path.write_text(MARKUP, encoding="utf-8")
    t = pull_file(path, tmp_path / "out")
    one = t.at("labels", "#L1")
    assert one["text"] == "Il pleut encore"
    assert attrs(one) == {
        "identifier": "1",
        "raw": '{\\an8}<i>Il pleut</i> <font color="#ffff00">encore</font>',
        "settings": {"X1": "40", "X2": "600", "Y1": "20", "Y2": "50"},
    }
    two = t.at("labels", "#L5")
    assert (two["text"], two["t_start"], two["t_end"]) == ("Déjà vu & fini", 3.0, 4.0)


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "fr.srt"
    path.write_bytes(MARKUP.encode("utf-16"))
    t = pull_file(path, tmp_path / "out")  # detected through the BOM
    assert t.at("labels", "#L5")["text"] == "Déjà vu & fini"


def test_cp1252_needs_the_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "fr.srt"
    path.write_bytes(MARKUP.encode("cp1252"))
    bad = pull_file(path, tmp_path / "a", "srt")
    assert bad.counts["labels"] == {
        "in": 2, "taken": 1, "quarantined": 1, "reasons": {"bad_encoding": 1},
    }  # fmt: skip
    assert "encoding" in bad["quarantine"][0]["message"]
    good = pull_file(path, tmp_path / "b", "srt", options={"encoding": "cp1252"})
    assert good.at("labels", "#L5")["text"] == "Déjà vu & fini"


def test_bad_cues(tmp_path: Path) -> None:
    data = (
        "1\n00:00:05,000 --> 00:00:04,000\nbackwards\n\n"  # L1
        "2\n00:00:06,000 --> 00:00:07,000\nfirst half\n\n"  # L5
        "second half after a blank line\n\n"  # L9
        "4\n00:00:08,000 --> 00:00:0"  # L11: truncated
    )
    path = tmp_path / "bad.srt"
    path.write_text(data, encoding="utf-8")
    t = pull_file(path, tmp_path / "out", "srt")
    assert t.counts["labels"] == {
        "in": 4,
        "taken": 1,
        "quarantined": 3,
        "reasons": {"bad_timestamp": 1, "inverted_span": 1, "missing_timing": 1},
    }
    assert {q["source_ref"]: q["reason_code"] for q in t["quarantine"]} == {
        "bad.srt#L1": "inverted_span",
        "bad.srt#L9": "missing_timing",
        "bad.srt#L11": "bad_timestamp",
    }
    assert t.at("labels", "#L5")["text"] == "first half"


def test_an_unknown_codec_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="option `encoding` names no known codec"):
        pull_file(SAMPLE, tmp_path / "out", "srt", options={"encoding": "klingon-8"})
    assert not (tmp_path / "out").exists()
