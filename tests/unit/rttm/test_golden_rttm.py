"""Golden rows of the RTTM importer (tests/assets/rttm: pyannote-audio's files) with UEM, and
bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelrelease.errors import ConfigError
from labelrelease.model.ids import make_id
from tests.unit.av_pull import ASSETS, SOURCE, attrs, no_geometry, pull_file

RTTM = ASSETS / "rttm"


def test_sample_turns(tmp_path: Path) -> None:
    t = pull_file(RTTM / "sample.rttm", tmp_path / "out")
    assert t.counts["labels"] == {"in": 10, "taken": 10, "quarantined": 0, "reasons": {}}
    item_id = make_id("items", SOURCE, "sample")  # the FILE column names the recording
    (item,) = t["items"]
    assert (item["item_id"], item["source_ref"]) == (item_id, "sample.rttm#L1")
    assert attrs(item) == {"format": "rttm", "recording": "sample", "turns": 10}
    (asset,) = t["assets"]
    assert (asset["asset_id"], asset["name"], asset["modality"], asset["attributes"]) == (
        make_id("assets", item_id, "audio"), "audio", "audio", None,
    )  # fmt: skip
    annotation_id = make_id("annotations", item_id, SOURCE, "rttm", "sample")
    first = t.at("labels", "#L1")  # SPEAKER sample 1 6.690 0.430 <NA> <NA> speaker90 <NA> <NA>
    assert first == {
        **first,
        "label_id": make_id("labels", annotation_id, 1),
        "annotation_id": annotation_id,
        "item_id": item_id,
        "asset_id": asset["asset_id"],
        "kind": "time_span",
        "class": "speaker90",
        "text": None,
        "t_start": 6.69,
        "t_end": 7.12,
        "score": None,
        "origin": "human",
        "attributes": '{"channel":"1"}',
        "source_ref": "sample.rttm#L1",
    }
    no_geometry(first)
    overlap = t.at("labels", "#L8")  # starts inside the turn of L7: overlapping speech kept
    assert (overlap["class"], overlap["t_start"], overlap["t_end"]) == ("speaker91", 18.15, 18.59)


def test_two_recordings_with_uem(tmp_path: Path) -> None:
    t = pull_file(
        RTTM / "debug.development.rttm",
        tmp_path / "out",
        options={"uem": str(RTTM / "debug.development.uem"), "media": "ami/{uri}.wav"},
    )
    assert t.counts["items"]["taken"] == 2 and t.counts["labels"]["taken"] == 17
    items = {attrs(r)["recording"]: r for r in t["items"]}
    assert items["dev00"]["item_id"] == make_id("items", SOURCE, "dev00")
    assert attrs(items["dev01"]) == {"format": "rttm", "recording": "dev01", "turns": 8}
    assert items["dev01"]["source_ref"] == "debug.development.rttm#L10"
    assets = {r["item_id"]: r for r in t["assets"]}
    dev00 = assets[items["dev00"]["item_id"]]
    assert (dev00["uri"], attrs(dev00)) == ("ami/dev00.wav", {"uem": [[0.0, 30.0]]})
    turn = t.at("labels", "#L11")  # SPEAKER dev01 1 7.024 4.752 ... MEE009
    assert (turn["item_id"], turn["class"], turn["t_start"], turn["t_end"]) == (
        items["dev01"]["item_id"], "MEE009", 7.024, 11.776,
    )  # fmt: skip
    assert turn["asset_id"] == assets[items["dev01"]["item_id"]]["asset_id"]


def test_spkr_info_confidence_and_other_line_types(tmp_path: Path) -> None:
    data = (
        ";; diarisation of meeting m1\n"
        "SPKR-INFO m1 1 <NA> <NA> <NA> adult_female alice <NA> <NA>\n"
        "SPEAKER m1 1 0.50 2.25 <NA> <NA> alice 0.87 <NA>\n"  # L3
        "SPEAKER m1 1 3.00 1.00 <NA> <NA> bob 12.5 <NA>\n"  # L4: a confidence that is no score
        "NON-SPEECH m1 1 4.00 1.00 <NA> noise <NA> <NA> <NA>\n"  # L5
        "FOO m1 1 4.00 1.00 <NA> <NA> x <NA> <NA>\n"  # L6
    )
    path = tmp_path / "m1.rttm"
    path.write_text(data, encoding="utf-8")
    t = pull_file(path, tmp_path / "out", "rttm", options={"origin": "model", "model": "pyannote"})
    assert attrs(t["items"][0])["speakers"] == {"alice": {"type": "adult_female"}}
    alice = t.at("labels", "#L3")
    assert (alice["score"], alice["origin"], alice["t_end"]) == (0.87, "model", 2.75)
    bob = t.at("labels", "#L4")
    assert (bob["score"], attrs(bob)) == (None, {"channel": "1", "confidence": 12.5})
    assert t.counts["labels"]["reasons"] == {"unsupported_line_type": 1, "unknown_line_type": 1}
    assert t["annotations"][0]["model"] == "pyannote"


def test_bad_lines(tmp_path: Path) -> None:
    good = "SPEAKER r1 1 1.000 2.000 <NA> <NA> A <NA> <NA>\n"
    data = (
        good  # L1
        + "SPEAKER r1 1 5.000 -1.000 <NA> <NA> A <NA> <NA>\n"  # L2: backwards
        + "SPEAKER r1 1 abc 1.000 <NA> <NA> A <NA> <NA>\n"  # L3
        + "SPEAKER r1 1 6.000 1.000 <NA> <NA> <NA> <NA> <NA>\n"  # L4: no speaker
        + "SPEAKER r1 1 7.000 1.0"  # L5: truncated
    ).encode() + b"\nSPEAKER r1 1 8.0 1.0 <NA> <NA> J\xfcrgen <NA> <NA>\n"  # L6: Latin-1
    path = tmp_path / "bad.rttm"
    path.write_bytes(data)
    t = pull_file(path, tmp_path / "out", "rttm")
    assert t.counts["labels"] == {
        "in": 6,
        "taken": 1,
        "quarantined": 5,
        "reasons": {"bad_encoding": 1, "bad_number": 1, "inverted_span": 1, "missing_field": 2},
    }
    assert {q["source_ref"]: (q["reason_code"], q["field"]) for q in t["quarantine"]} == {
        "bad.rttm#L2": ("inverted_span", "tdur"),
        "bad.rttm#L3": ("bad_number", "tbeg"),
        "bad.rttm#L4": ("missing_field", "name"),
        "bad.rttm#L5": ("missing_field", None),
        "bad.rttm#L6": ("bad_encoding", None),
    }
    assert "J\\xfcrgen" in t.at("quarantine", "#L6")["excerpt"]


def test_utf16_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "u.rttm"
    path.write_bytes((RTTM / "sample.rttm").read_text().encode("utf-16"))
    t = pull_file(path, tmp_path / "out", "rttm")
    assert t.counts["files"]["reasons"] == {"bad_encoding": 1}
    assert t["labels"] == []


def test_a_bad_uem_is_a_config_error_naming_the_line(tmp_path: Path) -> None:
    uem = tmp_path / "bad.uem"
    uem.write_text("dev00 NA 0.000 30.000\ndev01 NA 30.0 10.0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        pull_file(RTTM / "debug.development.rttm", tmp_path / "out", options={"uem": str(uem)})
    assert not (tmp_path / "out").exists()  # nothing half-written
