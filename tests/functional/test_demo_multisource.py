"""The demo's item built from three tools: Label Studio video tracks, a WebVTT transcript and
RTTM speaker turns of one clip, bound by ``item_key`` and linked by a derived-link rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import orjson
import pytest

from tests.functional.conftest import ROOT, cli

STREET = ROOT / "data" / "raw" / "street-clip"


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``labelrelease pull`` of a project holding the street-clip sources of the demo."""
    root = tmp_path_factory.mktemp("street")
    shutil.copytree(STREET, root / "data" / "raw" / "street-clip")
    shutil.copytree(ROOT / "pipelines", root / "pipelines")
    sources = (ROOT / "pipelines" / "sources.yaml").read_text(encoding="utf-8")
    kept = sources[sources.index("  - name: street-clip-boxes") :]
    # only the street-clip entries (they are consecutive; sources listed after them are cut)
    entries = kept.split("\n  - name: ")
    kept = "\n  - name: ".join(e for e in entries if e.lstrip("- name:").startswith("street-clip"))
    (root / "pipelines" / "sources.yaml").write_text("sources:\n" + kept, encoding="utf-8")
    done = cli("pull", "--out", "data/staged", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "joined across sources (item_key): items 2, assets 2" in done.stdout
    return root / "data" / "staged"


def q(staged: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for table in ("items", "assets", "annotations", "labels", "links"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM '{staged / table}.parquet'")
    return con.execute(sql).fetchall()


def test_three_files_make_one_item_with_one_video_asset(staged: Path) -> None:
    assert q(staged, "SELECT count(*) FROM items") == [(1,)]
    assert q(staged, "SELECT name, modality, duration_s, fps FROM assets") == [
        ("video", "video", 60.0, 25.0)
    ]
    passes = q(
        staged,
        "SELECT a.origin, a.pass, l.kind, count(*) FROM labels l JOIN annotations a "
        "USING (annotation_id) GROUP BY ALL ORDER BY ALL",
    )
    assert passes == [
        ("human", "combined", "frame_span", 1),
        ("human", "combined", "track", 2),
        ("human", "text", "text", 10),  # the WebVTT cues
        ("model", "combined", "time_span", 10),  # the RTTM turns
    ]
    assert q(staged, "SELECT count(DISTINCT asset_id) FROM labels") == [(1,)]


def test_each_cue_is_said_by_the_turn_it_overlaps(staged: Path) -> None:
    rows = q(
        staged,
        "SELECT f.t_start, t.class, k.origin, k.rule, k.relation, k.annotation_id = f.annotation_id"
        " FROM links k JOIN labels f ON f.label_id = k.from_label_id"
        " JOIN labels t ON t.label_id = k.to_label_id ORDER BY f.t_start",
    )
    assert len(rows) == 10
    # the captions alternate Maya / Jon, the diarisation SPEAKER_A / SPEAKER_B
    assert [r[1] for r in rows] == ["SPEAKER_A", "SPEAKER_B"] * 5
    assert {r[2:] for r in rows} == {("rule", "transcript_speaker", "said_by", True)}
    counts = orjson.loads((staged / "pull.json").read_bytes())
    assert counts["links"]["derived"]["transcript_speaker"] == 10
    assert counts["links"]["in"] == counts["links"]["taken"] + counts["links"]["quarantined"]
