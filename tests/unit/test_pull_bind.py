"""One item from many files: sources bound by ``item_key`` in sources.yaml share items and
assets; media metadata that disagrees is reported, not silently resolved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from labelrelease.errors import ConfigError
from labelrelease.pull.plan import plan_sources
from labelrelease.pull.run import pull


def _box_task(task_id: int, video: str, annotator: int, width: int = 1280) -> dict[str, Any]:
    return {
        "id": task_id,
        "data": {"video": video},
        "annotations": [
            {
                "id": task_id * 10 + annotator,
                "completed_by": annotator,
                "result": [
                    {
                        "id": f"r{annotator}",
                        "type": "rectanglelabels",
                        "from_name": "label",
                        "to_name": "video",
                        "original_width": width,
                        "original_height": 720,
                        "value": {
                            "x": 10,
                            "y": 10,
                            "width": 20,
                            "height": 20,
                            "rectanglelabels": ["Car"],
                        },
                    }
                ],
            }
        ],
    }


def project(tmp_path: Path, sources: list[dict[str, Any]], files: dict[str, Any]) -> Path:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content), encoding="utf-8")
    (tmp_path / "pipelines").mkdir(exist_ok=True)
    sources_file = tmp_path / "pipelines" / "sources.yaml"
    sources_file.write_text(json.dumps({"sources": sources}), encoding="utf-8")  # JSON is YAML
    return sources_file


def run(tmp_path: Path, sources_file: Path) -> tuple[dict[str, Any], dict[str, list[dict]]]:
    out = tmp_path / "out"
    result = pull(plan_sources(sources_file, tmp_path, "1.0"), out)
    for kind, c in result.counts.items():
        assert c["in"] == c["taken"] + c["quarantined"], kind
    tables = {
        t: pq.read_table(out / f"{t}.parquet").to_pylist()
        for t in ("items", "assets", "annotations", "labels", "quarantine")
    }
    return result.counts, tables


BOUND = {"group": "clips", "key": "stem"}


def test_two_sources_bound_by_stem_build_one_item_with_one_asset(tmp_path: Path) -> None:
    sources_file = project(
        tmp_path,
        [
            {"name": "tool-a", "format": "label-studio", "paths": ["a.json"], "item_key": BOUND},
            {"name": "tool-b", "format": "label-studio", "paths": ["b.json"], "item_key": BOUND},
        ],
        {
            "a.json": [_box_task(1, "s3://bucket/clips/street.mp4", 1)],
            "b.json": [_box_task(77, "https://cdn.example.org/street.mp4?sig=x", 2)],
        },
    )
    counts, tables = run(tmp_path, sources_file)
    assert len(tables["items"]) == 1
    assert tables["items"][0]["source"] == "tool-a"  # the first source's row is kept
    assert len(tables["assets"]) == 1
    assert (tables["assets"][0]["width"], tables["assets"][0]["height"]) == (1280, 720)
    assert len(tables["annotations"]) == 2
    assert {a["item_id"] for a in tables["annotations"]} == {tables["items"][0]["item_id"]}
    assert {lb["asset_id"] for lb in tables["labels"]} == {tables["assets"][0]["asset_id"]}
    assert counts["items"] == {
        "in": 2, "taken": 2, "quarantined": 0, "reasons": {}, "joined": 1
    }  # fmt: skip
    assert counts["assets"]["joined"] == 1
    assert tables["quarantine"] == []


def test_unbound_sources_keep_separate_items(tmp_path: Path) -> None:
    sources_file = project(
        tmp_path,
        [
            {"name": "tool-a", "format": "label-studio", "paths": ["a.json"]},
            {"name": "tool-b", "format": "label-studio", "paths": ["b.json"]},
        ],
        {
            "a.json": [_box_task(1, "s3://bucket/clips/street.mp4", 1)],
            "b.json": [_box_task(1, "s3://bucket/clips/street.mp4", 2)],
        },
    )
    _, tables = run(tmp_path, sources_file)
    assert len(tables["items"]) == 2 and len(tables["assets"]) == 2


def test_conflicting_media_size_is_reported_not_resolved(tmp_path: Path) -> None:
    sources_file = project(
        tmp_path,
        [
            {"name": "tool-a", "format": "label-studio", "paths": ["a.json"], "item_key": BOUND},
            {"name": "tool-b", "format": "label-studio", "paths": ["b.json"], "item_key": BOUND},
        ],
        {
            "a.json": [_box_task(1, "street.mp4", 1, width=1280)],
            "b.json": [_box_task(2, "street.mp4", 2, width=1920)],
        },
    )
    counts, tables = run(tmp_path, sources_file)
    assert [a["width"] for a in tables["assets"]] == [1280]
    (q,) = tables["quarantine"]
    assert (q["record_kind"], q["reason_code"], q["field"]) == (
        "assets",
        "conflicting_media",
        "width",
    )
    assert "1280" in q["message"] and "1920" in q["message"] and "tool-a" in q["message"]
    assert q["source"] == "tool-b"
    assert counts["assets"]["quarantined"] == 1
    # the labels of the second tool still land on the one asset
    assert len({lb["asset_id"] for lb in tables["labels"]}) == 1 and len(tables["labels"]) == 2


def test_mapping_table_and_field_key(tmp_path: Path) -> None:
    by_field = {"group": "clips", "key": "field:clip", "mapping": "map.csv"}
    a = _box_task(1, "x.mp4", 1)
    a["data"]["clip"] = "take-7"
    b = _box_task(2, "y.mp4", 2)
    b["data"]["clip"] = "street"
    sources_file = project(
        tmp_path,
        [
            {"name": "tool-a", "format": "label-studio", "paths": ["a.json"], "item_key": by_field},
            {"name": "tool-b", "format": "label-studio", "paths": ["b.json"], "item_key": BOUND},
        ],
        {
            "a.json": [a],
            "b.json": [_box_task(3, "street.mp4", 2)],
            "map.csv": "key,item\ntake-7,street\n",
        },
    )
    _, tables = run(tmp_path, sources_file)
    assert len(tables["items"]) == 1


@pytest.mark.parametrize(
    ("item_key", "expected"),
    [
        ("stem", "must be a mapping"),
        ({"key": "stem"}, "`group`"),
        ({"group": "g", "key": "filename"}, "`key` must be stem"),
        ({"group": "g", "mapping": "../outside.csv"}, "inside the project"),
        ({"group": "g", "mapping": "missing.csv"}, "does not exist"),
        ({"group": "g", "colour": 1}, "unknown key"),
    ],
)
def test_bad_item_key_names_the_key(tmp_path: Path, item_key: Any, expected: str) -> None:
    sources_file = project(
        tmp_path,
        [{"name": "a", "format": "label-studio", "paths": ["a.json"], "item_key": item_key}],
        {"a.json": [_box_task(1, "x.mp4", 1)]},
    )
    with pytest.raises(ConfigError) as e:
        plan_sources(sources_file, tmp_path, "1.0")
    assert expected in e.value.message and "sources[0].item_key" in e.value.message


def test_duplicate_keys_in_sources_yaml_are_refused(tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(
        "sources:\n  - name: a\n    paths: [a.json]\n    paths: [b.json]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as e:
        plan_sources(sources_file, tmp_path, "1.0")
    assert "'paths' appears twice" in e.value.message and "line 4" in e.value.message
