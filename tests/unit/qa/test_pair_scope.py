"""Which passes QA compares: one export file is one labelling task (every kind compared);
passes from two files are compared only on the kinds both files hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from labelrelease.qa.run import run_qa
from tests.unit.qa.tables import qa_settings, write_tables

AUDIO = {"item_id": "rec", "asset_id": "rec/audio"}


def _cue(lid: str, ann: str, start: float, end: float, text: str) -> dict[str, Any]:
    return {"label_id": lid, "annotation_id": ann, "kind": "text", "class": "transcript",
            "text": text, "t_start": start, "t_end": end} | AUDIO  # fmt: skip


def _turn(lid: str, ann: str, start: float, end: float, speaker: str) -> dict[str, Any]:
    return {"label_id": lid, "annotation_id": ann, "kind": "time_span", "class": speaker,
            "t_start": start, "t_end": end} | AUDIO  # fmt: skip


def _run(tmp_path: Path, annotations: list[dict[str, Any]], labels: list[dict[str, Any]]) -> Any:
    folder = write_tables(
        tmp_path / "in",
        items=[{"item_id": "rec"}],
        assets=[{"asset_id": "rec/audio", "item_id": "rec", "name": "audio", "modality": "audio"}],
        annotations=[{"item_id": "rec"} | a for a in annotations],
        labels=labels,
    )
    report = run_qa(qa_settings(folder, tmp_path)).report
    units = duckdb.sql(
        f"SELECT kind, status, count(*) FROM '{tmp_path / 'out' / 'units.parquet'}' "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return report, units


def test_transcript_and_speaker_turns_of_one_recording_are_not_a_pair(tmp_path: Path) -> None:
    # a WebVTT transcript (human) and an RTTM (model) of the same recording: two labelling
    # tasks with no kind in common; before, every cue and turn was a presence disagreement
    annotations = [
        {"annotation_id": "vtt", "source_ref": "raw/rec.vtt", "pass": "text"},
        {"annotation_id": "rttm", "source_ref": "raw/rec.rttm", "origin": "model", "model": "m"},
    ]
    labels = [
        _cue("c1", "vtt", 0.0, 2.0, "hello"),
        _cue("c2", "vtt", 2.0, 4.0, "there"),
        _turn("t1", "rttm", 0.0, 4.0, "spk1"),
    ]
    report, units = _run(tmp_path, annotations, labels)
    assert report["pairs"] == 0
    assert units == []
    assert report["disagreement"]["overall"]["units"] == 0
    assert report["disagreement"]["overall"]["presence"] is None


def test_passes_of_two_files_compare_only_the_kinds_both_hold(tmp_path: Path) -> None:
    # a reviewed pass (its file holds transcripts and speaker turns) against the original
    # WebVTT pass (transcripts only): the cues are compared, the review's turns are not
    annotations = [
        {"annotation_id": "vtt", "source_ref": "raw/rec.vtt", "pass": "text"},
        {"annotation_id": "rev", "source_ref": "reviews/tasks.json#/0/annotations/0"},
    ]
    labels = [
        _cue("c1", "vtt", 0.0, 2.0, "hello"),
        _cue("c2", "vtt", 2.0, 4.0, "there"),
        _cue("r1", "rev", 0.0, 2.0, "hello"),
        _cue("r2", "rev", 2.0, 4.0, "their"),  # text disagreement
        _turn("r3", "rev", 0.0, 4.0, "spk1"),  # a kind the WebVTT file never holds
    ]
    report, units = _run(tmp_path, annotations, labels)
    assert report["pairs"] == 1
    assert units == [("text", "matched", 2)]
    counts = report["disagreement"]["overall"]["counts"]
    assert counts["presence"] == 0
    assert counts["text"] == 1


def test_passes_of_one_file_compare_every_kind(tmp_path: Path) -> None:
    # one labelling task: a kind only one annotator used is a presence disagreement
    annotations = [
        {"annotation_id": "a", "source_ref": "tasks.json#/0/annotations/0", "annotator": "x"},
        {"annotation_id": "b", "source_ref": "tasks.json#/0/annotations/1", "annotator": "y"},
    ]
    labels = [
        _cue("a1", "a", 0.0, 2.0, "hello"),
        _cue("b1", "b", 0.0, 2.0, "hello"),
        _turn("b2", "b", 0.0, 2.0, "spk1"),
    ]
    report, units = _run(tmp_path, annotations, labels)
    assert report["pairs"] == 1
    assert units == [("text", "matched", 1), ("time_span", "only_2", 1)]
    assert report["disagreement"]["overall"]["counts"]["presence"] == 1
