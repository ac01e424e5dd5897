"""Golden rows of the TextGrid importer (tests/assets/textgrid: praatio's files), in UTF-8 and
UTF-16, and bad input."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from labelrelease.model.ids import make_id
from tests.unit.av_pull import ASSETS, SOURCE, attrs, no_geometry, pull_file

TG = ASSETS / "textgrid"
PHONES = TG / "bobby_phones.TextGrid"
WORDS = TG / "bobby_words_with_newlines.TextGrid"


def test_long_format_interval_tier(tmp_path: Path) -> None:
    t = pull_file(PHONES, tmp_path / "out")
    # 15 intervals, 2 of them empty: not records, counted on the item
    assert t.counts["labels"] == {"in": 13, "taken": 13, "quarantined": 0, "reasons": {}}
    item_id = make_id("items", SOURCE, PHONES.name)
    (item,) = t["items"]
    assert attrs(item) == {
        "empty": {"phone": 2},
        "encoding": "utf-8",
        "format": "textgrid",
        "text_format": "long",
        "tiers": [{"class": "IntervalTier", "name": "phone", "size": 15}],
    }
    (asset,) = t["assets"]
    assert (asset["modality"], asset["duration_s"]) == ("audio", 1.194625)
    annotation_id = make_id("annotations", item_id, SOURCE, "textgrid", PHONES.name)
    b = t.at("labels", "#/tiers/1/intervals/2")
    assert b == {
        **b,
        "label_id": make_id("labels", annotation_id, "1/2"),
        "annotation_id": annotation_id,
        "item_id": item_id,
        "asset_id": asset["asset_id"],
        "kind": "text",
        "class": "phone",
        "text": "B",
        "t_start": 0.06469123242311078,
        "t_end": 0.08438971390281873,
        "origin": "human",
        "attributes": '{"tier":"phone"}',
        "source_ref": "bobby_phones.TextGrid#/tiers/1/intervals/2",
    }
    no_geometry(b)


def test_short_format_newlines_quotes_and_points(tmp_path: Path) -> None:
    t = pull_file(WORDS, tmp_path / "out")
    assert t.counts["labels"]["taken"] == 4 + 1 + 4
    assert attrs(t["items"][0])["tiers"] == [
        {"class": "IntervalTier", "name": '"word"', "size": 6},
        {"class": "IntervalTier", "name": "phrase", "size": 3},
        {"class": "TextTier", "name": None, "size": 4},
    ]
    assert attrs(t["items"][0])["text_format"] == "short"
    bobby = t.at("labels", "#/tiers/1/intervals/2")
    assert (bobby["kind"], bobby["class"], bobby["text"]) == ("text", '"word"', '"""BOBBY"""\nNoun')
    assert (bobby["t_start"], bobby["t_end"]) == (0.06469123242311078, 0.41156462585)
    phrase = t.at("labels", "#/tiers/2/intervals/2")
    assert phrase["text"] == "BOBBY RIPPED THE LEDGER"
    p1 = t.at("labels", "#/tiers/3/points/1")
    assert (p1["kind"], p1["class"], p1["text"]) == ("text", None, '133\n"""p1"""\np1')
    assert p1["t_start"] == p1["t_end"] == 0.23290458517889742
    assert attrs(p1) == {"point": True}
    assert t.at("labels", "#/tiers/3/points/3")["text"] == '93\n"p3"'


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("source", [PHONES, WORDS], ids=["long", "short"])
def test_utf16_with_bom_gives_the_same_labels(tmp_path: Path, codec: str, source: Path) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    path = tmp_path / source.name
    path.write_bytes(bom + source.read_text(encoding="utf-8").encode(codec))
    utf16 = pull_file(path, tmp_path / "a")
    utf8 = pull_file(source, tmp_path / "b")
    assert attrs(utf16["items"][0])["encoding"] == "utf-16"
    assert utf16["labels"] == utf8["labels"]  # same display name, so the same IDs too


def test_span_tiers_become_time_spans(tmp_path: Path) -> None:
    t = pull_file(PHONES, tmp_path / "out", options={"span_tiers": ["phone"]})
    b = t.at("labels", "#/tiers/1/intervals/2")
    assert (b["kind"], b["class"], b["text"]) == ("time_span", "B", None)
    assert attrs(b) == {"tier": "phone"}


def test_truncated_short_file_is_refused_not_cut(tmp_path: Path) -> None:
    data = WORDS.read_bytes()
    path = tmp_path / "cut.TextGrid"
    path.write_bytes(data[: int(len(data) * 0.66)])  # praatio alone would return 6 + 1 entries
    t = pull_file(path, tmp_path / "out", "textgrid")
    assert t.counts["files"]["reasons"] == {"truncated": 1}
    assert t["labels"] == []
    assert "declares tiers with [6, 3, ?] entries but holds [6, 1]" in t["quarantine"][0]["message"]


def test_truncated_long_file_is_refused(tmp_path: Path) -> None:
    data = PHONES.read_bytes()
    path = tmp_path / "cut.TextGrid"
    path.write_bytes(data[: len(data) // 2])
    t = pull_file(path, tmp_path / "out", "textgrid")
    assert set(t.counts["files"]["reasons"]) <= {"truncated", "invalid_textgrid"}
    assert t.counts["files"]["quarantined"] == 1 and t["labels"] == []


def test_latin1_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l1.TextGrid"
    path.write_bytes(PHONES.read_text().replace('"AA1"', '"Ä"').encode("latin-1"))
    t = pull_file(path, tmp_path / "out", "textgrid")
    assert t.counts["files"]["reasons"] == {"bad_encoding": 1}


def test_backwards_interval_is_quarantined_alone(tmp_path: Path) -> None:
    text = PHONES.read_text().replace(
        "xmin = 0.08438971390281873 \n            xmax = 0.23285789838876556",
        "xmin = 0.23285789838876556 \n            xmax = 0.08438971390281873",
    )
    path = tmp_path / "back.TextGrid"
    path.write_text(text, encoding="utf-8")
    t = pull_file(path, tmp_path / "out", "textgrid")
    assert t.counts["labels"] == {
        "in": 13, "taken": 12, "quarantined": 1, "reasons": {"inverted_span": 1},
    }  # fmt: skip
    assert t["quarantine"][0]["source_ref"] == "back.TextGrid#/tiers/1/intervals/3"


def test_not_a_textgrid(tmp_path: Path) -> None:
    path = tmp_path / "x.TextGrid"
    path.write_text('File type = "ooTextFile"\nObject class = "Pitch 1"\n', encoding="utf-8")
    t = pull_file(path, tmp_path / "out", "textgrid")
    assert t.counts["files"]["reasons"] == {"not_textgrid": 1}
