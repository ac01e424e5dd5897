"""The end-to-end generator's later passes (second human, model pre-label) label the same things
as the first pass, as real annotators do: most boxes have a counterpart above QA's IoU threshold
and most ``describes`` relations join the counterparts of the first pass's ends. (Passes drawn
independently made every link and nine in ten labels a disagreement.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.functional.test_bench_smoke import load


def _iou(a: dict[str, Any], b: dict[str, Any]) -> float:
    ax2, ay2 = a["x"] + abs(a["width"]), a["y"] + abs(a["height"])
    bx2, by2 = b["x"] + abs(b["width"]), b["y"] + abs(b["height"])
    w = max(0.0, min(ax2, bx2) - max(a["x"], b["x"]))
    h = max(0.0, min(ay2, by2) - max(a["y"], b["y"]))
    inter = w * h
    union = abs(a["width"] * a["height"]) + abs(b["width"] * b["height"]) - inter
    return inter / union if union else 0.0


def _boxes(result: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r["value"] for r in result if r["type"] == "rectanglelabels"}


def _best(box: dict[str, Any], others: dict[str, dict[str, Any]]) -> tuple[str | None, float]:
    scored = [(rid, _iou(box, other)) for rid, other in others.items()]
    return max(scored, key=lambda s: s[1], default=(None, 0.0))


def test_later_passes_follow_the_first(tmp_path: Path) -> None:
    gen = load("e2e/generate")
    gen.generate(tmp_path, 20_000, seed=3)
    tasks = json.loads((tmp_path / "image-001.json").read_text(encoding="utf-8"))
    boxes = matched = relations = kept = 0
    for task in tasks:
        passes = [a["result"] for a in task["annotations"]] + [
            p["result"] for p in task["predictions"]
        ]
        if len(passes) < 2:
            continue
        first = passes[0]
        first_boxes = _boxes(first)
        phrase = {r["id"]: r["value"]["start"] for r in first if r["type"] == "labels"}
        first_links = {(phrase[r["from_id"]], r["to_id"]) for r in first if r["type"] == "relation"}
        for later in passes[1:]:
            assert all("_drawn" not in r for r in later)
            later_boxes = _boxes(later)
            to_first = {}
            for rid, box in later_boxes.items():
                boxes += 1
                best, iou = _best(box, first_boxes)
                if iou > 0.5:
                    matched += 1
                    to_first[rid] = best
            later_phrase = {r["id"]: r["value"]["start"] for r in later if r["type"] == "labels"}
            for r in later:
                if r["type"] == "relation":
                    relations += 1
                    end = (later_phrase.get(r["from_id"]), to_first.get(r["to_id"]))
                    kept += end in first_links
    assert boxes > 500 and relations > 100
    assert matched / boxes > 0.8  # QA matches boxes above IoU 0.5
    assert 0.75 < kept / relations < 1.0  # most links agree, some point elsewhere
