"""`labelrelease pull` on a throwaway project with WebVTT, RTTM (+ UEM) and TextGrid sources:
the options of sources.yaml reach the importers, counts add up, and option mistakes give one
clear error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.functional.conftest import ASSETS, cli

SOURCES = """sources:
  - name: talk-transcript
    paths: [data/raw/talk.vtt]
    options: {media: "{stem}.mp4", language: en}
  - name: talk-speakers
    paths: [data/raw/sample.rttm]
    options: {media: "{uri}.wav", uem: data/raw/sample.uem%s}
  - name: alignments
    paths: ["data/raw/*.TextGrid"]
"""


def make_project(root: Path, extra: str = "") -> Path:
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(ASSETS / "webvtt" / "comments.vtt", raw / "talk.vtt")
    shutil.copy(ASSETS / "rttm" / "sample.rttm", raw)
    (raw / "sample.uem").write_text("sample 1 0.000 30.000\n", encoding="utf-8")
    for tg in (ASSETS / "textgrid").glob("*.TextGrid"):
        shutil.copy(tg, raw)
    (root / "pipelines").mkdir()
    (root / "pipelines" / "sources.yaml").write_text(SOURCES % extra, encoding="utf-8")
    (root / "params.yaml").write_text(
        "pull:\n  sources: pipelines/sources.yaml\n  out: data/staged\n", encoding="utf-8"
    )
    return root


def test_pull_a_project_of_time_based_sources(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    done = cli("pull", cwd=root)
    assert done.returncode == 0, done.stderr
    counts = json.loads((root / "data" / "staged" / "pull.json").read_text())
    assert counts["files"] == {"in": 4, "taken": 4, "quarantined": 0, "reasons": {}}
    assert counts["labels"]["taken"] == 3 + 10 + 13 + 9
    assets = pq.read_table(root / "data" / "staged" / "assets.parquet").to_pylist()
    by_uri = {a["uri"]: a for a in assets}
    assert by_uri["talk.mp4"]["modality"] == "video"
    assert by_uri["sample.wav"]["modality"] == "audio"
    assert json.loads(by_uri["sample.wav"]["attributes"]) == {"uem": [[0.0, 30.0]]}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (", modality: image", "option `modality` must be one of audio, video"),
        (", colour: red", "unknown option(s) ['colour']"),
    ],
)
def test_option_mistakes_are_one_clear_error(tmp_path: Path, extra: str, expected: str) -> None:
    root = make_project(tmp_path, extra)
    text = (root / "pipelines" / "sources.yaml").read_text()
    (root / "pipelines" / "sources.yaml").write_text(
        text.replace("name: talk-speakers\n", "name: talk-speakers\n    format: rttm\n")
    )
    done = cli("pull", cwd=root)
    assert done.returncode == 3, done.stdout + done.stderr
    assert expected in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert not (root / "data" / "staged").exists()


def test_a_uem_outside_the_project_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    text = (root / "pipelines" / "sources.yaml").read_text()
    (root / "pipelines" / "sources.yaml").write_text(
        text.replace("uem: data/raw/sample.uem", "uem: ../../etc/passwd")
    )
    done = cli("pull", cwd=root)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "uem" in done.stderr + done.stdout
