"""Generate a seeded, realistic Label Studio JSON export for the pull benchmark.

The export is a JSON array of tasks, streamed to disk one task at a time (never held in memory
whole), with exactly ``--regions`` regions. A region is any result entry that is not a relation.
The mix follows what real projects export:

- image tasks: ``rectanglelabels`` (percent coordinates, ``original_width``/``original_height``,
  some rotated), ``polygonlabels`` and ``keypointlabels``;
- text tasks: ``labels`` spans whose ``text`` is exactly ``data.text[start:end]``, in several
  languages and scripts (Latin, Cyrillic, Greek, Arabic, Devanagari, Han, Kana, Hangul, Thai);
- audio tasks: ``labels`` segments in seconds, each with a ``textarea`` transcript that shares
  the region id;
- relations between regions of one annotation, two human annotations on a share of tasks, and a
  model ``predictions`` pass with ``model_version`` and scores;
- classes drawn from a long, Zipf-like tail.

All characters are in the Basic Multilingual Plane, so Python character offsets equal the UTF-16
offsets Label Studio writes. The same ``--seed`` and ``--regions`` give a byte-identical file.

    python benchmarks/generate_ls.py --regions 1000000 --seed 0 --out ls.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ls_vocab import (
    AUDIO_CLASSES,
    IMAGE_CLASSES,
    LANG_WEIGHTS,
    RELATIONS,
    TEXT_CLASSES,
    WORDS,
    label_config,
)

GENERATOR_VERSION = 3
"""Bump when the output changes (here or in ``ls_vocab.py``), so cached exports are
regenerated."""

TASK_KINDS = ("image", "text", "audio")
TASK_WEIGHTS = (0.45, 0.35, 0.20)
SHARE_TWO_HUMANS = 0.30
SHARE_PREDICTED = 0.60
SHARE_ROTATED = 0.10
SHARE_GROUND_TRUTH = 0.02
MODEL_VERSIONS = ("detector-2024.03", "detector-2024.06", "ner-xlmr-v7", "asr-whisper-ft-3")
IMAGE_SIZES = ((640, 480), (800, 600), (1024, 768), (1280, 720), (1920, 1080), (4032, 3024))
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
EPOCH = 1_704_067_200  # 2024-01-01T00:00:00Z


@dataclass
class Counter:
    """Counts of what has been generated."""

    tasks: int = 0
    annotations: int = 0
    predictions: int = 0
    regions: int = 0
    relations: int = 0
    by_type: dict[str, int] = field(default_factory=dict)

    def add(self, results: list[dict[str, Any]]) -> None:
        """Count one pass's results."""
        for r in results:
            self.by_type[r["type"]] = self.by_type.get(r["type"], 0) + 1
            if r["type"] == "relation":
                self.relations += 1
            else:
                self.regions += 1


def region_id(rng: random.Random) -> str:
    """A Label Studio style 10-character region id."""
    return "".join(rng.choices(ALPHABET, k=10))


def timestamp(seconds: float) -> str:
    """An ISO 8601 UTC timestamp with microseconds, as Label Studio writes them."""
    whole = int(seconds)
    days, rem = divmod(whole - EPOCH, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    micros = int((seconds - whole) * 1e6)
    month, day = divmod(days % 336, 28)
    return f"2024-{month + 1:02d}-{day + 1:02d}T{hours:02d}:{minutes:02d}:{secs:02d}.{micros:06d}Z"


def sentence(rng: random.Random, lang: str, n_words: int) -> str:
    """Words of ``lang`` in random order, joined the way the script joins them."""
    sep, words = WORDS[lang]
    vocab = words.split()
    return sep.join(rng.choices(vocab, k=n_words))


def _base(
    kind: str, rid: str, from_name: str, to_name: str, value: dict[str, Any]
) -> dict[str, Any]:
    return {"id": rid, "type": kind, "from_name": from_name, "to_name": to_name, "value": value}


def image_regions(rng: random.Random, n: int, size: tuple[int, int]) -> list[dict[str, Any]]:
    """``n`` rectangles, polygons and keypoints on one image."""
    width, height = size
    out = []
    for _ in range(n):
        cls = IMAGE_CLASSES.draw(rng)
        pick = rng.random()
        if pick < 0.60:
            w, h = rng.uniform(2, 40), rng.uniform(2, 40)
            value = {
                "x": rng.uniform(0, 100 - w),
                "y": rng.uniform(0, 100 - h),
                "width": w,
                "height": h,
                "rotation": rng.uniform(0, 360) if rng.random() < SHARE_ROTATED else 0,
                "rectanglelabels": [cls],
            }
            r = _base("rectanglelabels", region_id(rng), "bbox", "image", value)
        elif pick < 0.85:
            cx, cy, rad = rng.uniform(15, 85), rng.uniform(15, 85), rng.uniform(2, 14)
            points = [
                [cx + rad * rng.uniform(0.5, 1) * c, cy + rad * rng.uniform(0.5, 1) * s]
                for c, s in _ring(rng.randint(3, 14))
            ]
            value = {"points": points, "closed": True, "polygonlabels": [cls]}
            r = _base("polygonlabels", region_id(rng), "poly", "image", value)
        else:
            value = {
                "x": rng.uniform(0, 100),
                "y": rng.uniform(0, 100),
                "width": 0.6,
                "keypointlabels": [cls],
            }
            r = _base("keypointlabels", region_id(rng), "kp", "image", value)
        r["original_width"], r["original_height"], r["image_rotation"] = width, height, 0
        out.append(r)
    return out


_RING_CACHE: dict[int, list[tuple[float, float]]] = {}


def _ring(k: int) -> list[tuple[float, float]]:
    """Unit-circle directions of a ``k``-gon."""
    if k not in _RING_CACHE:
        step = 2 * math.pi / k
        _RING_CACHE[k] = [(math.cos(i * step), math.sin(i * step)) for i in range(k)]
    return _RING_CACHE[k]


def text_regions(rng: random.Random, n: int, text: str, lang: str) -> list[dict[str, Any]]:
    """``n`` entity spans of ``text``, each with the exact text it covers: one to three words
    where the script separates words with spaces, else a few characters of one run."""
    runs = [m.span() for m in re.finditer(r"\S+", text)]
    spaced = WORDS[lang][0] == " "
    out = []
    for _ in range(n):
        i = rng.randrange(len(runs))
        start, end = runs[i]
        if spaced:
            end = runs[min(len(runs) - 1, i + rng.randint(0, 2))][1]
        elif end - start > 2:
            start = rng.randrange(start, end - 2)
            end = min(end, start + rng.randint(2, 8))
        cls = TEXT_CLASSES.draw(rng)
        value = {"start": start, "end": end, "text": text[start:end], "labels": [cls]}
        out.append(_base("labels", region_id(rng), "ner", "text", value))
    return out


def audio_regions(rng: random.Random, n: int, duration: float, lang: str) -> list[dict[str, Any]]:
    """Segments with a transcript each (a ``textarea`` sharing the segment's id); ``n`` counts
    both, so an odd ``n`` ends on a segment without a transcript."""
    out = []
    while len(out) < n:
        start = round(rng.uniform(0, duration - 2), 3)
        end = round(min(duration, start + rng.uniform(0.3, 12)), 3)
        rid = region_id(rng)
        value = {"start": start, "end": end, "channel": 0, "labels": [AUDIO_CLASSES.draw(rng)]}
        out.append(_base("labels", rid, "segment", "audio", value))
        if len(out) < n:
            words = [sentence(rng, lang, rng.randint(3, 14))]
            value = {"start": start, "end": end, "text": words}
            out.append(_base("textarea", rid, "transcription", "audio", value))
    return out


def relations(rng: random.Random, regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """About one relation per four regions, between distinct regions of the same pass, never
    the same pair twice."""
    ids = list(dict.fromkeys(r["id"] for r in regions))
    pairs: set[tuple[str, str]] = set()
    for _ in range(len(regions) // 4 if len(ids) >= 2 else 0):
        a, b = rng.sample(ids, 2)
        pairs.add((a, b))
    out = []
    for a, b in sorted(pairs):
        out.append(
            {
                "type": "relation",
                "from_id": a,
                "to_id": b,
                "direction": "right",
                "labels": [RELATIONS.draw(rng)],
            }
        )
    return out


@dataclass
class TaskPlan:
    """What one task looks like before its regions are drawn."""

    task_id: int
    kind: str
    data: dict[str, Any]
    lang: str | None = None
    size: tuple[int, int] = (0, 0)
    duration: float = 0.0


def plan_task(rng: random.Random, task_id: int) -> TaskPlan:
    """Pick a task's modality and draw its data (image URL, text, audio URL)."""
    kind = rng.choices(TASK_KINDS, TASK_WEIGHTS)[0]
    if kind == "image":
        size = rng.choice(IMAGE_SIZES)
        data = {"image": f"s3://bench-media/images/{task_id:08d}.jpg"}
        return TaskPlan(task_id, kind, data, size=size)
    lang = rng.choices(list(WORDS), LANG_WEIGHTS)[0]
    if kind == "text":
        paragraphs = [sentence(rng, lang, rng.randint(15, 60)) for _ in range(rng.randint(1, 4))]
        data = {"text": "\n\n".join(paragraphs), "language": lang}
        return TaskPlan(task_id, kind, data, lang=lang)
    duration = round(rng.uniform(20, 900), 2)
    data = {"audio": f"s3://bench-media/audio/{task_id:08d}.wav", "language": lang}
    return TaskPlan(task_id, kind, data, lang=lang, duration=duration)


def draw_regions(rng: random.Random, plan: TaskPlan, n: int) -> list[dict[str, Any]]:
    """``n`` regions fitting the task's modality."""
    if plan.kind == "image":
        return image_regions(rng, n, plan.size)
    if plan.kind == "text":
        return text_regions(rng, n, plan.data["text"], plan.lang or "en")
    return audio_regions(rng, n, plan.duration, plan.lang or "en")


def regions_per_pass(rng: random.Random, kind: str) -> int:
    """How many regions one pass draws on a task of ``kind``."""
    if kind == "image":
        return rng.randint(1, 14)
    if kind == "text":
        return rng.randint(1, 10)
    return 2 * rng.randint(1, 8)


def make_task(rng: random.Random, task_id: int, budget: int, ids: Iterator[int]) -> dict[str, Any]:
    """One task with its annotations and predictions, using at most ``budget`` regions."""
    plan = plan_task(rng, task_id)
    created = EPOCH + task_id * 37.0
    n_humans = 2 if rng.random() < SHARE_TWO_HUMANS else 1
    annotations, predictions = [], []
    for i in range(n_humans):
        if budget <= 0:
            break
        results = draw_regions(rng, plan, min(budget, regions_per_pass(rng, plan.kind)))
        budget -= len(results)
        results += relations(rng, results)
        annotations.append(annotation(rng, next(ids), task_id, results, created + 60 * (i + 1)))
    if budget > 0 and rng.random() < SHARE_PREDICTED:
        results = draw_regions(rng, plan, min(budget, regions_per_pass(rng, plan.kind)))
        for r in results:
            r["score"] = round(rng.uniform(0.05, 1.0), 4)
        results += relations(rng, results)
        predictions.append(prediction(rng, next(ids), task_id, results, plan.kind, created + 5))
    return {
        "id": task_id,
        "annotations": annotations,
        "file_upload": f"batch-{task_id // 5000:04d}.json",
        "drafts": [],
        "predictions": predictions,
        "data": plan.data,
        "meta": {},
        "created_at": timestamp(created),
        "updated_at": timestamp(created + 600),
        "inner_id": task_id,
        "total_annotations": len(annotations),
        "cancelled_annotations": 0,
        "total_predictions": len(predictions),
        "comment_count": 0,
        "unresolved_comment_count": 0,
        "last_comment_updated_at": None,
        "project": 7,
        "updated_by": annotations[-1]["completed_by"] if annotations else None,
        "comment_authors": [],
    }


def annotation(
    rng: random.Random, ann_id: int, task_id: int, results: list[dict[str, Any]], at: float
) -> dict[str, Any]:
    """A human annotation as Label Studio exports it."""
    annotator = rng.randint(1, 60)
    for r in results:
        if r["type"] != "relation":
            r["origin"] = "manual"
    return {
        "id": ann_id,
        "completed_by": annotator,
        "result": results,
        "was_cancelled": False,
        "ground_truth": rng.random() < SHARE_GROUND_TRUTH,
        "created_at": timestamp(at),
        "updated_at": timestamp(at + rng.uniform(1, 300)),
        "draft_created_at": None,
        "lead_time": round(rng.uniform(3, 400), 3),
        "prediction": {},
        "result_count": 0,
        "unique_id": f"{rng.getrandbits(128):032x}",
        "import_id": None,
        "last_action": None,
        "task": task_id,
        "project": 7,
        "updated_by": annotator,
        "parent_prediction": None,
        "parent_annotation": None,
        "last_created_by": None,
    }


def prediction(
    rng: random.Random,
    pred_id: int,
    task_id: int,
    results: list[dict[str, Any]],
    kind: str,
    at: float,
) -> dict[str, Any]:
    """A model prediction as Label Studio exports it."""
    version = {"image": MODEL_VERSIONS[rng.randint(0, 1)], "text": MODEL_VERSIONS[2]}
    return {
        "id": pred_id,
        "model_version": version.get(kind, MODEL_VERSIONS[3]),
        "created_ago": "3 weeks",
        "result": results,
        "score": round(rng.uniform(0.3, 0.99), 4),
        "cluster": None,
        "neighbors": None,
        "mislabeling": 0.0,
        "created_at": timestamp(at),
        "updated_at": timestamp(at),
        "model": None,
        "model_run": None,
        "task": task_id,
        "project": 7,
    }


def generate(out: Path, regions: int, seed: int = 0) -> dict[str, Any]:
    """Write an export with exactly ``regions`` regions to ``out`` (atomically) and return
    counts of what it holds."""
    rng = random.Random(seed)
    ids = itertools.count(1)
    counter = Counter()
    tmp = out.with_name(out.name + ".part")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("wb") as fh:
        fh.write(b"[\n")
        while counter.regions < regions:
            task = make_task(rng, counter.tasks + 1, regions - counter.regions, ids)
            if counter.tasks:
                fh.write(b",\n")
            fh.write(orjson.dumps(task))
            counter.tasks += 1
            counter.annotations += len(task["annotations"])
            counter.predictions += len(task["predictions"])
            for p in task["annotations"] + task["predictions"]:
                counter.add(p["result"])
        fh.write(b"\n]\n")
    os.replace(tmp, out)
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "bytes": out.stat().st_size,
        "tasks": counter.tasks,
        "annotations": counter.annotations,
        "predictions": counter.predictions,
        "regions": counter.regions,
        "relations": counter.relations,
        "results_by_type": dict(sorted(counter.by_type.items())),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: write the export and print its counts as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--regions", type=int, default=1_000_000, help="regions in total")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    parser.add_argument("--config", type=Path, help="also write the labeling config (XML) here")
    args = parser.parse_args(argv)
    if args.regions < 1:
        parser.error("--regions must be at least 1")
    if args.config:
        args.config.parent.mkdir(parents=True, exist_ok=True)
        args.config.write_text(label_config(), encoding="utf-8")
    stats = generate(args.out, args.regions, args.seed)
    json.dump(stats, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
