"""Bad WebVTT input: each problem is quarantined with its reason code, at the smallest unit
that holds it (the cue, or the file when the file as a whole is unusable), and counts add up."""

from __future__ import annotations

from pathlib import Path

from tests.unit.av_pull import ASSETS, pull_file

SAMPLE = (ASSETS / "webvtt" / "sample.vtt").read_bytes()


def write(tmp_path: Path, data: bytes, name: str = "bad.vtt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_truncated_in_a_timing_line(tmp_path: Path) -> None:
    cut = SAMPLE.index(b"00:00:58.600 --> 00:01:01.350") + len(b"00:00:58.600 --> 00:0")
    t = pull_file(write(tmp_path, SAMPLE[:cut]), tmp_path / "out", "webvtt")
    assert t.counts["labels"] == {
        "in": 15, "taken": 14, "quarantined": 1, "reasons": {"bad_timestamp": 1},
    }  # fmt: skip
    q = t["quarantine"][0]
    assert (q["source_ref"], q["field"]) == ("bad.vtt#L45", "t_end")
    assert "'00:0' is not a timestamp" in q["message"]


def test_utf16_file_is_refused_whole(tmp_path: Path) -> None:
    data = SAMPLE.decode().encode("utf-16")
    t = pull_file(write(tmp_path, data), tmp_path / "out", "webvtt")
    assert t.counts["files"] == {
        "in": 1, "taken": 0, "quarantined": 1, "reasons": {"bad_encoding": 1},
    }  # fmt: skip
    assert t["labels"] == [] and t["items"] == []
    assert "UTF-16" in t["quarantine"][0]["message"]


def test_latin1_bytes_quarantine_only_their_cue(tmp_path: Path) -> None:
    data = SAMPLE.replace(b"Caption text #2", "Caption tèxt #2".encode("latin-1"))
    t = pull_file(write(tmp_path, data), tmp_path / "out", "webvtt")
    assert t.counts["labels"] == {
        "in": 16, "taken": 15, "quarantined": 1, "reasons": {"bad_encoding": 1},
    }  # fmt: skip
    q = t["quarantine"][0]
    assert (q["source_ref"], q["reason_code"]) == ("bad.vtt#L6", "bad_encoding")
    assert "not valid UTF-8" in q["message"]


def test_missing_header_refuses_the_file(tmp_path: Path) -> None:
    data = SAMPLE.replace(b"WEBVTT\n\n", b"")
    t = pull_file(write(tmp_path, data), tmp_path / "out", "webvtt")
    assert t.counts["files"]["reasons"] == {"missing_header": 1}
    assert t["labels"] == []


def test_times_that_go_backwards(tmp_path: Path) -> None:
    data = SAMPLE.replace(b"00:00:07.000 --> 00:00:11.890", b"00:00:11.890 --> 00:00:07.000")
    t = pull_file(write(tmp_path, data), tmp_path / "out", "webvtt")
    assert t.counts["labels"]["reasons"] == {"inverted_span": 1}
    q = t["quarantine"][0]
    assert (q["source_ref"], q["field"]) == ("bad.vtt#L6", "t_end")
    assert all(r["t_end"] >= r["t_start"] for r in t["labels"])


def test_bad_timestamp_and_empty_cue_and_missing_timing(tmp_path: Path) -> None:
    data = (
        b"WEBVTT\n\n"
        b"00:00:01.000 --> 00:00:61.000\nseconds out of range\n\n"  # L3
        b"00:00:02.000 --> 00:00:03.000\n<i></i>\n\n"  # L6: no text once tags are stripped
        b"just text, no timing\nsecond line\n\n"  # L9
        b"00:00:04.000 --> 00:00:05.000\nkept\n"  # L12
    )
    t = pull_file(write(tmp_path, data), tmp_path / "out", "webvtt")
    assert t.counts["labels"] == {
        "in": 4,
        "taken": 1,
        "quarantined": 3,
        "reasons": {"bad_timestamp": 1, "empty_cue": 1, "missing_timing": 1},
    }
    assert {q["source_ref"]: q["reason_code"] for q in t["quarantine"]} == {
        "bad.vtt#L3": "bad_timestamp",
        "bad.vtt#L6": "empty_cue",
        "bad.vtt#L9": "missing_timing",
    }
    assert t.at("labels", "#L12")["text"] == "kept"


def test_a_timing_line_without_a_blank_line_before_starts_a_new_cue(tmp_path: Path) -> None:
    data = b"WEBVTT\n\n00:01.000 --> 00:02.000\none\n00:02.000 --> 00:03.000\ntwo\n"
    t = pull_file(write(tmp_path, data), tmp_path / "out", "webvtt")
    assert [(r["source_ref"], r["text"]) for r in sorted(t["labels"], key=lambda r: r["t_start"])
            ] == [("bad.vtt#L3", "one"), ("bad.vtt#L5", "two")]  # fmt: skip
