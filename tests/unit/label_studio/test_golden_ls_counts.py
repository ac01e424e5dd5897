"""Every Label Studio file of the fixtures imports, its counts add up, and the number of rows
of each kind is the number found by reading the file by hand.

The expected numbers below were counted in the JSON files themselves (one label per region
result and per class, per text of a textarea, per range of a timelinelabels; one link per
relation label; a ``labels`` result that shares its id with a ``rectangle`` adds to it).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from labelrelease.model.schema import RECORD_KINDS

LS = Path(__file__).resolve().parents[2] / "assets" / "label-studio"
SDK = "label-studio-sdk"
FE = "label-studio-frontend"


class Expect(NamedTuple):
    """Expected (in, taken, quarantined) per kind, and the quarantine reasons of labels/links."""

    items: int
    assets: int
    annotations: int
    labels: tuple[int, int, int]
    links: tuple[int, int, int] = (0, 0, 0)
    reasons: dict[str, dict[str, int]] = {}  # noqa: RUF012 (a NamedTuple default, never mutated)


# file, labeling config (None: import without one), what the file holds
CASES: list[tuple[str, str | None, Expect]] = [
    # 1 task, 1 annotation, 1 polygonlabels
    (
        f"{SDK}/test_export_json_min/data.json",
        f"{SDK}/test_export_json_min/label_config.xml",
        Expect(1, 1, 1, (1, 1, 0)),
    ),
    # 1 task: rectanglelabels + polygonlabels + 2 keypointlabels
    (
        f"{SDK}/test_export_coco/data.json",
        f"{SDK}/test_export_coco/label_config.xml",
        Expect(1, 1, 1, (4, 4, 0)),
    ),
    # 2 tasks x (1 annotation + 1 prediction); task 1: 1 box + 1 predicted box, task 2: 2 + 1;
    # data holds text, audio and image: 3 assets per task
    (f"{SDK}/test_export_csv/csv_test.json", None, Expect(2, 6, 4, (5, 5, 0))),
    # 1 choices result; data: 3 plain strings (title, title_1, _row_id) become text assets, the
    # two `uri` values are URIs of no known medium, lists of objects are not media
    (f"{SDK}/test_export_csv/csv_test2.json", None, Expect(1, 3, 1, (1, 1, 0))),
    # 3 tasks: box + textarea (1 text), box without id, cancelled annotation with a textarea
    (f"{SDK}/test_export_doclang/data.json", None, Expect(3, 3, 3, (4, 4, 0))),
    # 3 tasks, 23 + 1 + 1 rotated boxes; the config offers only "butterfly", so the 24 boxes
    # labelled "Butterfly" are quarantined
    (
        f"{SDK}/test_export_yolo/data_obb.json",
        f"{SDK}/test_export_yolo/label_config_obb.xml",
        Expect(3, 3, 3, (25, 1, 24), reasons={"labels": {"class_not_in_config": 24}}),
    ),
    (f"{SDK}/test_export_yolo/data_obb.json", None, Expect(3, 3, 3, (25, 25, 0))),
    # single task object: 1 text span
    (
        f"{FE}/named_entity/annotations/1.json",
        f"{FE}/named_entity/config.xml",
        Expect(1, 1, 1, (1, 1, 0)),
    ),
    # import task list with 1 prediction (1 text span)
    (f"{FE}/named_entity/tasks.json", f"{FE}/named_entity/config.xml", Expect(1, 1, 1, (1, 1, 0))),
    # clip-level choices + 2 audio segments
    (
        f"{FE}/audio_regions/annotations/1.json",
        f"{FE}/audio_regions/config.xml",
        Expect(1, 1, 1, (3, 3, 0)),
    ),
    # paragraphlabels + 1 audio segment; data has only the dialogue (no $video)
    (
        f"{FE}/audio_video_paragraphs/annotations/1.json",
        f"{FE}/audio_video_paragraphs/config.xml",
        Expect(1, 1, 1, (2, 2, 0)),
    ),
    # task list, no annotations: the video is shown by <Video> and <Audio>, plus the dialogue
    (
        f"{FE}/audio_video_paragraphs/tasks.json",
        f"{FE}/audio_video_paragraphs/config.xml",
        Expect(1, 3, 0, (0, 0, 0)),
    ),
    # 1 annotation box + 2 predictions of 1 box each
    (
        f"{FE}/image_bbox/annotations/1.json",
        f"{FE}/image_bbox/config.xml",
        Expect(1, 1, 3, (3, 3, 0)),
    ),
    (
        f"{FE}/image_polygons/annotations/0.json",
        f"{FE}/image_polygons/config.xml",
        Expect(1, 1, 1, (1, 1, 0)),
    ),
    # 3 tracks, one with a negative height; the task has no data (no asset)
    (
        f"{FE}/video_bboxes/annotations/1.json",
        f"{FE}/video_bboxes/config.xml",
        Expect(1, 0, 1, (3, 2, 1), reasons={"labels": {"negative_size": 1}}),
    ),
    (
        f"{FE}/transcribe_audio/annotations/1.json",
        f"{FE}/transcribe_audio/config.xml",
        Expect(1, 1, 1, (1, 1, 0)),
    ),
    # number, datetime, textarea with 2 texts, choices, taxonomy + 2 predictions of 1 box
    (
        f"{FE}/classification_mixed/annotations/1.json",
        f"{FE}/classification_mixed/config.xml",
        Expect(1, 1, 3, (8, 8, 0)),
    ),
    # ML-backend payload with its own label_config: 2 timelinelabels of 1 range each
    ("label-studio-ml-backend/test_timeline_labels_1.json", None, Expect(1, 1, 1, (2, 2, 0))),
    # 5 predicted spans + 2 relations. With the config, Person/Pronoun are not offered, and the
    # Email span's offsets are wrong (checked first): all 5 spans and so both links quarantined
    (
        "kiji-proxy/sample_predictions.json",
        "kiji-proxy/LabelingConfig.txt",
        Expect(
            1,
            1,
            1,
            (5, 0, 5),
            (2, 0, 2),
            reasons={
                "labels": {"class_not_in_config": 4, "span_out_of_range": 1},
                "links": {"dangling_relation": 2},
            },
        ),
    ),
    (
        "kiji-proxy/sample_predictions.json",
        None,
        Expect(1, 1, 1, (5, 4, 1), (2, 2, 0), reasons={"labels": {"span_out_of_range": 1}}),
    ),
]


def _id(case: tuple[str, str | None, Expect]) -> str:
    path, config, _ = case
    return f"{path}{'' if config else ' (no config)'}"


def test_every_label_studio_file_is_covered() -> None:
    """A new fixture file must get its expected counts here."""
    files = {p.relative_to(LS).as_posix() for p in LS.rglob("*.json")}
    assert files == {path for path, _, _ in CASES}


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_pull_counts_add_up(case: tuple[str, str | None, Expect], pulled) -> None:
    path, config, expect = case
    p = pulled(LS / path, LS / config if config else None)
    counts = p.counts

    assert counts["files"] == {"in": 1, "taken": 1, "quarantined": 0, "reasons": {}}
    for kind in RECORD_KINDS:
        c = counts[kind]
        assert c["in"] == c["taken"] + c["quarantined"], kind
        assert c["taken"] == len(p[kind]), kind
        assert c["quarantined"] == sum(1 for q in p["quarantine"] if q["record_kind"] == kind)

    assert counts["items"]["in"] == counts["items"]["taken"] == expect.items
    assert counts["assets"]["in"] == counts["assets"]["taken"] == expect.assets
    assert counts["annotations"]["in"] == counts["annotations"]["taken"] == expect.annotations
    c = counts["labels"]
    assert (c["in"], c["taken"], c["quarantined"]) == expect.labels
    c = counts["links"]
    assert (c["in"], c["taken"], c["quarantined"]) == expect.links
    for kind in RECORD_KINDS:
        assert counts[kind]["reasons"] == expect.reasons.get(kind, {}), kind


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_rows_are_well_formed(case: tuple[str, str | None, Expect], pulled) -> None:
    """Every row points into the file it came from, and its references resolve."""
    path, config, _ = case
    p = pulled(LS / path, LS / config if config else None)
    display = str(LS / path)
    for table in ("items", "assets", "annotations", "labels", "links", "quarantine"):
        for row in p[table]:
            assert row["source_ref"] == display or row["source_ref"].startswith(display + "#/")
            if table != "quarantine":
                assert row.get("source", "src-name") == "src-name"
    item_ids = {r["item_id"] for r in p["items"]}
    asset_ids = {r["asset_id"] for r in p["assets"]}
    annotation_ids = {r["annotation_id"] for r in p["annotations"]}
    label_ids = {r["label_id"] for r in p["labels"]}
    for r in p["assets"] + p["annotations"] + p["labels"] + p["links"]:
        assert r["item_id"] in item_ids
    for r in p["labels"]:
        assert r["annotation_id"] in annotation_ids
        assert r["asset_id"] is None or r["asset_id"] in asset_ids
    for r in p["links"]:
        assert {r["from_label_id"], r["to_label_id"]} <= label_ids
        assert r["annotation_id"] in annotation_ids
    for r in p["annotations"]:
        assert r["guideline_version"] == "1.0"
        assert r["pass"] == "combined"
