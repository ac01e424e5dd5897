"""Generate seeded, deterministic raw exports of a multimodal project with exactly ``--labels``
labels, in the formats real tools write, for the end-to-end benchmark.

Four sources of one project, each in its tool's own format:

- **image** (Label Studio JSON, ``image-NNN.json``): an image with a caption; boxes
  (``rectanglelabels``, some rotated) and polygons on the image, phrases (``labels`` spans) on the
  caption, a ``describes`` relation from each phrase to a box of its kind, sometimes a quality
  choice;
- **video** (Label Studio JSON, ``video-NNN.json``): ``videorectangle`` tracks (keyframe
  sequences, some ending with ``enabled: false``) and ``timelinelabels`` frame ranges;
- **audio**: one WebVTT transcript per recording (``audio/rec-NNNNNNN.vtt``, voice tags, some
  markup) and RTTM speaker turns from a diarisation model (``speakers-NNN.rttm``, many
  recordings per file). Both are bound to one item by the recording's name (``item_key``), so
  ``pull`` derives a ``said_by`` link from each cue to the turn it overlaps;
- **text** (doccano JSONL, ``text-NNN.jsonl``): entity spans with ids and relations.

Two human annotations on 30 % of Label Studio tasks and a model pre-label pass (``predictions``,
with scores) on 60 %; classes from a Zipf-like long tail; text and captions in twelve languages
(Latin, Cyrillic, Greek, Arabic, Devanagari, Han, Kana, Hangul and Thai scripts); about 0.5 % of
bad records (negative box sizes, classes the labelling config does not offer, spans beyond their
text, cues that end before they start, truncated JSONL lines), which ``pull`` quarantines.

A label is what ``pull`` counts as one: a Label Studio region, a cue, a turn, an entity. Files
are written as they are generated (a task, a line, a cue at a time), so the generator's memory
does not grow with ``--labels``. ``--change 0.01`` writes the same project with about 1 % of the
labels changed (another class, speaker or text), every other byte equal: the "1 % of the raw
labels changed" case of the benchmark.

    python benchmarks/e2e/generate.py --labels 1000000 --out /tmp/raw [--seed 0] [--change 0.01]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generate_ls import _ring, annotation, prediction, region_id, sentence, timestamp
from generate_vtt import stamp
from ls_vocab import LANG_WEIGHTS, WORDS, Zipf

GENERATOR_VERSION = 2
"""Bump when the output changes, so cached projects are regenerated."""

T = TypeVar("T")

# Share of the labels per source; the rest of the budget goes to image.
SHARES = {"image": 0.45, "video": 0.15, "audio": 0.20, "text": 0.20}
SHARE_TWO_HUMANS = 0.30
SHARE_PREDICTED = 0.60
SHARE_ROTATED = 0.10
BAD = 0.005
"""Share of bad records, spread over the kinds of mistake each format can hold."""
SHARD_LABELS = 500_000
"""Labels per Label Studio / doccano file and per RTTM file (an export per batch)."""
EPOCH = 1_704_067_200
IMAGE_SIZES = ((640, 480), (1024, 768), (1280, 720), (1920, 1080), (4032, 3024))
LANGS = list(WORDS)

# Classes: the head names classes of the project's contract, the tail is generated; the
# benchmark's contract (``contract_additions``) adds the tail to the taxonomy.
IMAGE_HEAD = ["Person", "Car", "Dog", "Bicycle", "Truck", "Bus", "Cat", "Bird", "Motorcycle"]
IMAGE_CLASSES = Zipf(IMAGE_HEAD + [f"object_{i:03d}" for i in range(391)])
GROUP = {"Person": "People", "Dog": "Animals", "Cat": "Animals", "Bird": "Animals"}
"""Caption phrase class of a box class (any other class is a vehicle or a thing)."""
PHRASE = {  # one word per language naming a person, a vehicle, an animal, the scene
    "en": ("woman", "car", "dog", "street"),
    "de": ("Frau", "Auto", "Hund", "Straße"),
    "fr": ("femme", "voiture", "chien", "rue"),
    "es": ("mujer", "coche", "perro", "calle"),
    "ru": ("женщина", "машина", "собака", "улица"),
    "el": ("γυναίκα", "αυτοκίνητο", "σκύλος", "δρόμος"),
    "ar": ("امرأة", "سيارة", "كلب", "شارع"),
    "hi": ("महिला", "कार", "कुत्ता", "सड़क"),
    "zh": ("女人", "汽车", "狗", "街道"),
    "ja": ("女性", "車", "犬", "通り"),
    "ko": ("여자", "자동차", "개", "거리"),
    "th": ("ผู้หญิง", "รถยนต์", "สุนัข", "ถนน"),
}
PHRASE_CLASSES = ("People", "Vehicles", "Animals", "Scene")
QUALITY = ("Blurry", "Occluded", "Too dark")
VIDEO_CLASSES = Zipf(
    ["Person", "Car", "Bicycle", "Bus", "Dog"] + [f"actor_{i:03d}" for i in range(95)]
)
EVENT_CLASSES = Zipf(["Car", "Person", "Bus"] + [f"event_{i:03d}" for i in range(47)])
TEXT_HEAD = ["Person", "Organization", "Location", "Date", "Money", "Product", "Time"]
TEXT_CLASSES = Zipf(TEXT_HEAD + [f"entity_{i:03d}" for i in range(143)])
TEXT_RELATIONS = Zipf(["refers-to", "related"])
SPEAKERS = ("SPEAKER_A", "SPEAKER_B", "SPEAKER_C")
VOICES = ("Maya", "Jon", "Aiko", "Omar", "Lena", "Ravi")
TYPO = "objct_unknown"
"""A class no labelling config offers (a typo in a stale export)."""


class Rand:
    """The generator's random stream, and a second stream for ``--change`` that never touches
    the first, so a changed project differs only in the labels it changes."""

    def __init__(self, seed: int, change: float) -> None:
        self.rng = random.Random(seed)
        self.mut = random.Random(f"change-{seed}")
        self.change = change
        self.changed = 0

    def maybe(self, value: T, other: Callable[[random.Random], T]) -> T:
        """``value``, or with probability ``change`` another one from the second stream."""
        if self.change and self.mut.random() < self.change:
            self.changed += 1
            return other(self.mut)
        return value

    def cls(self, zipf: Zipf) -> str:
        """A class of ``zipf``, possibly changed."""
        return self.maybe(zipf.draw(self.rng), zipf.draw)


class Stats:
    """What has been written, by source: labels as ``pull`` counts them, the bad ones among
    them, and records (items) that are bad as a whole."""

    def __init__(self) -> None:
        self.labels: dict[str, int] = dict.fromkeys(SHARES, 0)
        self.bad_labels: dict[str, int] = {}
        self.bad_items: dict[str, int] = {}
        self.counts: dict[str, int] = {}

    def bad(self, reason: str, n: int = 1) -> None:
        self.bad_labels[reason] = self.bad_labels.get(reason, 0) + n

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    @property
    def total(self) -> int:
        return sum(self.labels.values())


class Shards:
    """Files of one source, a new one every ``SHARD_LABELS`` labels: ``open`` returns the file to
    append to, ``close`` ends it (JSON arrays get their brackets)."""

    def __init__(self, folder: Path, stem: str, suffix: str, array: bool) -> None:
        self.folder, self.stem, self.suffix, self.array = folder, stem, suffix, array
        self.index = 0
        self.fh: IO[bytes] | None = None
        self.labels = 0
        self.records = 0

    def write(self, record: bytes, labels: int) -> None:
        if self.fh is None:
            self.index += 1
            self.fh = (self.folder / f"{self.stem}-{self.index:03d}{self.suffix}").open("wb")
            self.fh.write(b"[\n" if self.array else b"")
            self.records = 0
        if self.array and self.records:
            self.fh.write(b",\n")
        self.fh.write(record)
        self.records += 1
        self.labels += labels
        if self.labels >= SHARD_LABELS * self.index:
            self.close()

    def close(self) -> None:
        if self.fh is not None:
            self.fh.write(b"\n]\n" if self.array else b"")
            self.fh.close()
            self.fh = None


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` positive numbers (``parts`` <= ``total``)."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in itertools.pairwise([0, *cuts, total])]


# --- image: Label Studio, image + caption --------------------------------------------------------


def caption(r: Rand, lang: str, groups: list[str]) -> tuple[str, list[tuple[int, int, str]]]:
    """A caption in ``lang`` naming one thing per entry of ``groups``, and the spans of those
    names (start, end, phrase class)."""
    sep = WORDS[lang][0] or ""
    words: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for group in groups:
        filler = sentence(r.rng, lang, r.rng.randint(1, 4))
        word = PHRASE[lang][PHRASE_CLASSES.index(group)]
        for piece, is_phrase in ((filler, False), (word, True)):
            if words:
                pos += len(sep)
            if is_phrase:
                spans.append((pos, pos + len(piece), group))
            words.append(piece)
            pos += len(piece)
    return sep.join(words), spans


def image_pass(
    r: Rand,
    n: int,
    size: tuple[int, int],
    text: str,
    spans: list[tuple[int, int, str]],
    stats: Stats,
    model: bool,
) -> list[dict[str, Any]]:
    """``n`` regions of one pass on an image task: boxes and polygons, the caption's phrases
    (each with a ``describes`` relation to a box of its kind), maybe a quality choice."""
    rng = r.rng
    width, height = size
    out: list[dict[str, Any]] = []
    boxes: dict[str, list[str]] = {}
    n_phrases = min(len(spans), n // 3)
    n_choice = 1 if n - n_phrases >= 3 and rng.random() < 0.2 else 0
    for _ in range(n - n_phrases - n_choice):
        drawn = IMAGE_CLASSES.draw(rng)
        cls = r.maybe(drawn, IMAGE_CLASSES.draw)  # a changed class keeps the box's relations
        rid = region_id(rng)
        bad = rng.random()
        if rng.random() < 0.7:
            w, h = rng.uniform(2, 40), rng.uniform(2, 40)
            if bad < BAD * 0.5:
                w = -w
                stats.bad("negative_size")
            elif bad < BAD * 0.8:
                cls = TYPO
                stats.bad("class_not_in_config")
            value: dict[str, Any] = {
                "x": rng.uniform(0, 60), "y": rng.uniform(0, 60), "width": w, "height": h,
                "rotation": rng.uniform(0, 359) if rng.random() < SHARE_ROTATED else 0,
                "rectanglelabels": [cls],
            }  # fmt: skip
            kind, control = "rectanglelabels", "box"
            boxes.setdefault(GROUP.get(drawn, "Vehicles"), []).append(rid)
        else:
            cx, cy, rad = rng.uniform(15, 85), rng.uniform(15, 85), rng.uniform(2, 14)
            points = [
                [cx + rad * rng.uniform(0.5, 1) * c, cy + rad * rng.uniform(0.5, 1) * s]
                for c, s in _ring(rng.randint(3, 12))
            ]
            value = {"points": points, "closed": True, "polygonlabels": [cls]}
            kind, control = "polygonlabels", "poly"
        region = {"id": rid, "type": kind, "from_name": control, "to_name": "image",
                  "value": value, "original_width": width, "original_height": height,
                  "image_rotation": 0, "_drawn": drawn}  # fmt: skip
        if model:
            region["score"] = round(rng.uniform(0.05, 1.0), 4)
        out.append(region)
    relations = []
    for start, end, group in spans[:n_phrases]:
        rid = region_id(rng)
        cls = r.maybe(group, lambda g: g.choice(PHRASE_CLASSES))
        value = {"start": start, "end": end, "text": text[start:end], "labels": [cls]}
        out.append({"id": rid, "type": "labels", "from_name": "phrase", "to_name": "caption",
                    "value": value, "_drawn": group})  # fmt: skip
        if boxes.get(group):
            relations.append({"type": "relation", "from_id": rid, "to_id": rng.choice(boxes[group]),
                              "direction": "right", "labels": ["describes"]})  # fmt: skip
    if n_choice:
        out.append({"id": region_id(rng), "type": "choices", "from_name": "image_quality",
                    "to_name": "image", "value": {"choices": [rng.choice(QUALITY)]}})  # fmt: skip
    stats.count("relations", len(relations))
    return out + relations


def video_pass(r: Rand, n: int, frames: int, stats: Stats, model: bool) -> list[dict[str, Any]]:
    """``n`` regions of one pass on a video task: tracks and timeline ranges."""
    rng = r.rng
    out = []
    for _ in range(n):
        if rng.random() < 0.7:
            drawn = VIDEO_CLASSES.draw(rng)
            cls = r.maybe(drawn, VIDEO_CLASSES.draw)
            if rng.random() < BAD * 0.6:
                cls = TYPO
                stats.bad("class_not_in_config")
            frame = rng.randint(1, frames // 2)
            x, y, w, h = (
                rng.uniform(0, 70),
                rng.uniform(0, 70),
                rng.uniform(3, 25),
                rng.uniform(3, 25),
            )
            sequence = []
            for _k in range(rng.randint(2, 6)):
                sequence.append(
                    {"frame": frame, "enabled": True, "x": x, "y": y, "width": w, "height": h,
                     "rotation": 0, "time": round((frame - 1) / 25, 3)}
                )  # fmt: skip
                frame = min(frames, frame + rng.randint(5, 120))
                x, y = (
                    min(75.0, max(0.0, x + rng.uniform(-5, 5))),
                    min(75.0, max(0.0, y + rng.uniform(-5, 5))),
                )
            if rng.random() < 0.3:
                sequence[-1]["enabled"] = False
            value = {"sequence": sequence, "framesCount": frames, "duration": frames / 25,
                     "labels": [cls]}  # fmt: skip
            region = {"id": region_id(rng), "type": "videorectangle", "from_name": "box",
                      "to_name": "video", "value": value, "_drawn": drawn}  # fmt: skip
        else:
            start = rng.randint(1, frames - 10)
            drawn = EVENT_CLASSES.draw(rng)
            value = {"ranges": [{"start": start, "end": rng.randint(start, frames)}],
                     "timelinelabels": [r.maybe(drawn, EVENT_CLASSES.draw)]}  # fmt: skip
            region = {"id": region_id(rng), "type": "timelinelabels", "from_name": "events",
                      "to_name": "video", "value": value, "_drawn": drawn}  # fmt: skip
        if model:
            region["score"] = round(rng.uniform(0.05, 1.0), 4)
        else:
            region["origin"] = "manual"
        out.append(region)
    return out


# A later pass (second human, model pre-label) over the same task: the first pass's regions,
# each kept (else a presence disagreement), moved a little (boxes keep IoU > 0.5 with the
# original), sometimes another class; the first pass's relations between kept regions, a few
# pointing elsewhere; sometimes one region the first pass missed.
DROP = {False: 0.06, True: 0.12}
"""Chance a region of the first pass is missing from a human (False) or model (True) pass."""
RECLASS = {False: 0.07, True: 0.12}
"""Chance a kept region gets another class."""
RELINK = 0.08
"""Chance a kept relation points to another region of its kind."""
EXTRA = 0.25
"""Chance a pass has one region the first pass does not."""
CLASSES = {"rectanglelabels": IMAGE_CLASSES, "polygonlabels": IMAGE_CLASSES,
           "videorectangle": VIDEO_CLASSES, "timelinelabels": EVENT_CLASSES}  # fmt: skip
"""The classes of a region type; a phrase's classes are ``PHRASE_CLASSES``."""


def _class_key(region: dict[str, Any]) -> str:
    value = region["value"]
    return next(k for k in ("rectanglelabels", "polygonlabels", "labels", "timelinelabels")
                if k in value)  # fmt: skip


def _moved(rng: random.Random, region: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``region``'s value drawn again by another hand: a few percent off."""
    value = orjson.loads(orjson.dumps(region["value"]))
    kind = region["type"]
    if kind == "rectanglelabels":
        w, h = abs(value["width"]), abs(value["height"])  # a bad size is not copied
        value["x"] += rng.uniform(-0.04, 0.04) * w
        value["y"] += rng.uniform(-0.04, 0.04) * h
        value["width"], value["height"] = w * rng.uniform(0.93, 1.07), h * rng.uniform(0.93, 1.07)
    elif kind == "polygonlabels":
        xs, ys = [p[0] for p in value["points"]], [p[1] for p in value["points"]]
        dx = (max(xs) - min(xs)) * rng.uniform(-0.04, 0.04)
        dy = (max(ys) - min(ys)) * rng.uniform(-0.04, 0.04)
        value["points"] = [[x + dx, y + dy] for x, y in value["points"]]
    elif kind == "videorectangle":
        dx, dy = rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)
        for k in value["sequence"]:
            k["x"], k["y"] = k["x"] + dx, k["y"] + dy
    elif kind == "timelinelabels":
        for span in value["ranges"]:
            length = span["end"] - span["start"]
            span["start"] = max(1, span["start"] + rng.randint(-2, 2))
            span["end"] = max(span["start"], span["start"] + length + rng.randint(-2, 2))
    elif kind == "choices" and rng.random() < RECLASS[False]:
        value["choices"] = [rng.choice(QUALITY)]
    return value


def derive(
    r: Rand, first: list[dict[str, Any]], budget: int, model: bool, stats: Stats
) -> list[dict[str, Any]]:
    """A later pass over a task whose first pass is ``first``, with at most ``budget`` regions
    (relations are not labels). Classes go through ``Rand.maybe`` like the first pass's, so
    ``--change`` changes the same share of this pass's labels."""
    rng = r.rng
    out: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    by_type: dict[str, list[str]] = {}
    for region in first:
        if region["type"] == "relation" or len(out) >= budget or rng.random() < DROP[model]:
            continue
        value = _moved(rng, region)
        if region["type"] != "choices":
            key = _class_key(region)
            zipf = CLASSES.get(region["type"])
            drawn = region["_drawn"]
            if rng.random() < RECLASS[model]:
                drawn = zipf.draw(rng) if zipf else rng.choice(PHRASE_CLASSES)
            value[key] = [r.maybe(drawn, zipf.draw if zipf else lambda g: g.choice(PHRASE_CLASSES))]
        rid = region_id(rng)
        ids[region["id"]] = rid
        by_type.setdefault(region["type"], []).append(rid)
        copy = {k: v for k, v in region.items() if k not in ("id", "value", "score", "origin")}
        copy.update(id=rid, value=value)
        if model:
            copy["score"] = round(rng.uniform(0.05, 1.0), 4)
        elif region["type"] in ("videorectangle", "timelinelabels"):
            copy["origin"] = "manual"
        out.append(copy)
    boxes = [x for x in out if x["type"] in ("rectanglelabels", "videorectangle")]
    if boxes and len(out) < budget and rng.random() < EXTRA:  # one the first pass missed
        extra = orjson.loads(orjson.dumps(rng.choice(boxes)))
        extra["id"] = region_id(rng)
        value = extra["value"]
        for k in value.get("sequence") or [value]:
            k["x"], k["y"] = (k["x"] + 30) % 70, (k["y"] + 30) % 70
        out.append(extra)
        stats.count("extra_regions")
    relations = []
    for rel in (x for x in first if x["type"] == "relation"):
        if rel["from_id"] not in ids or rel["to_id"] not in ids:
            continue
        to = ids[rel["to_id"]]
        if rng.random() < RELINK:
            to = rng.choice(by_type.get("rectanglelabels") or [to])
        relations.append({**rel, "from_id": ids[rel["from_id"]], "to_id": to})
    stats.count("relations", len(relations))
    return out + relations


def ls_task(
    r: Rand, kind: str, task_id: int, budget: int, ids: Iterator[int], stats: Stats
) -> tuple[dict[str, Any], int]:
    """A Label Studio task of ``kind`` (image or video) using at most ``budget`` labels, and the
    labels it holds."""
    rng = r.rng
    created = EPOCH + task_id * 37.0
    passes = 2 if rng.random() < SHARE_TWO_HUMANS else 1
    predicted = rng.random() < SHARE_PREDICTED
    if kind == "image":
        size = rng.choice(IMAGE_SIZES)
        lang = rng.choices(LANGS, LANG_WEIGHTS)[0]
        groups = rng.choices(PHRASE_CLASSES, (4, 3, 2, 1), k=rng.randint(1, 3))
        text, spans = caption(r, lang, groups)
        data = {"image": f"s3://bench-media/images/{task_id:08d}.jpg", "caption": text,
                "language": lang}  # fmt: skip

        def draw(n: int, model: bool) -> list[dict[str, Any]]:
            return image_pass(r, n, size, text, spans, stats, model)

        per_pass = (3, 16)
    else:
        frames = rng.randint(250, 3000)
        data = {"video": f"s3://bench-media/video/{task_id:08d}.mp4"}

        def draw(n: int, model: bool) -> list[dict[str, Any]]:
            return video_pass(r, n, frames, stats, model)

        per_pass = (1, 10)
    annotations, predictions, used = [], [], 0
    first: list[dict[str, Any]] = []
    for i in range(passes + predicted):
        n = min(budget - used, rng.randint(*per_pass))
        if n <= 0:
            break
        model = i == passes
        if i == 0:
            results = first = draw(n, model)
        else:  # a later pass labels the same things as the first, with its own differences
            results = derive(r, first, budget - used, model, stats)
            n = sum(1 for x in results if x["type"] != "relation")
            if n == 0:
                break
        used += n
        if model:
            predictions.append(prediction(rng, next(ids), task_id, results, kind, created + 5))
        else:
            annotations.append(annotation(rng, next(ids), task_id, results, created + 60 * (i + 1)))
    for x in (x for a in (*annotations, *predictions) for x in a["result"]):
        x.pop("_drawn", None)
    stats.count(f"{kind}_tasks")
    stats.count("annotations", len(annotations))
    stats.count("predictions", len(predictions))
    task = {"id": task_id, "data": data, "annotations": annotations, "predictions": predictions,
            "created_at": timestamp(created), "updated_at": timestamp(created + 600),
            "inner_id": task_id, "project": 7, "meta": {}}  # fmt: skip
    return task, used


# --- audio: WebVTT + RTTM ------------------------------------------------------------------------


def recording(r: Rand, name: str, budget: int, folder: Path, rttm: Shards, stats: Stats) -> int:
    """One recording: its WebVTT transcript (a file) and its RTTM speaker turns (lines of the
    current RTTM shard); about 55 % of the labels are cues, the rest turns. Returns the labels."""
    rng = r.rng
    n = min(budget, rng.randint(60, 600))
    n_turns = max(1, n * 45 // 100) if n > 1 else 0
    n_cues = n - n_turns
    lang = rng.choices(LANGS[:5], (30, 10, 8, 8, 8))[0]
    lines = [f"WEBVTT - {name}\nKind: captions\nLanguage: {lang}\n\n"]
    turns = []
    t = rng.randint(0, 3000)
    speaker = 0
    for i in range(n_cues):
        start = t + rng.randint(0, 400)
        end = start + rng.randint(700, 6000)
        t = end
        if rng.random() < 0.35:
            speaker = (speaker + rng.randint(1, 2)) % len(SPEAKERS)
        if len(turns) < n_turns:
            who = r.maybe(SPEAKERS[speaker], lambda g: g.choice(SPEAKERS))
            turns.append((start - rng.randint(0, 200), end - start + rng.randint(-150, 150), who))
        text = sentence(rng, lang, rng.randint(3, 12))
        text = r.maybe(text, lambda g, lang=lang: sentence(g, lang, 5))
        if rng.random() < 0.08:
            text = f"<i>{text}</i>"
        voice = VOICES[speaker * 2 % len(VOICES)]
        timing = f"{stamp(start)} --> {stamp(end)}"
        if rng.random() < BAD * 0.4:
            timing = f"{stamp(end)} --> {stamp(start)}"
            stats.bad("inverted_span")
        head = f"cue-{i}\n" if rng.random() < 0.3 else ""
        lines.append(f"{head}{timing}\n<v {voice}>{text}\n\n")
    while len(turns) < n_turns:  # more turns than cues: short backchannel turns at the end
        t += rng.randint(100, 900)
        turns.append((t, rng.randint(200, 900), rng.choice(SPEAKERS)))
    (folder / f"{name}.vtt").write_text("".join(lines), encoding="utf-8")
    out = []
    for start, dur, who in turns:
        out.append(f"SPEAKER {name} 1 {max(0, start) / 1000:.3f} {max(50, dur) / 1000:.3f} "
                   f"<NA> <NA> {who} <NA> <NA>\n")  # fmt: skip
    rttm.write("".join(out).encode(), n_turns)
    stats.count("recordings")
    stats.count("cues", n_cues)
    stats.count("turns", n_turns)
    return n


# --- text: doccano JSONL ------------------------------------------------------------------------


def doccano_record(r: Rand, rec_id: int, budget: int, stats: Stats) -> tuple[bytes, int, bool]:
    """One doccano line: a text with entity spans and relations. Returns the line, the labels
    ``pull`` will count from it and whether the line is broken (truncated JSON: its labels are
    never seen)."""
    rng = r.rng
    lang = rng.choices(LANGS, LANG_WEIGHTS)[0]
    text = sentence(rng, lang, rng.randint(12, 60))
    runs = [(m.start(), m.end()) for m in _words(text)]
    n = min(budget, rng.randint(1, 10))
    entities = []
    for k in range(n):
        start, end = runs[rng.randrange(len(runs))]
        if rng.random() < BAD * 0.6:
            start, end = len(text) + 2, len(text) + 9
            stats.bad("span_out_of_range")
        entities.append({"id": rec_id * 100 + k, "start_offset": start, "end_offset": end,
                         "label": r.cls(TEXT_CLASSES)})  # fmt: skip
    relations = []
    for k in range(n // 3):
        a, b = rng.sample(entities, 2) if n >= 2 else (entities[0], entities[0])
        if a is not b and a["start_offset"] < len(text) and b["start_offset"] < len(text):
            relations.append({"id": rec_id * 100 + k, "from_id": a["id"], "to_id": b["id"],
                              "type": TEXT_RELATIONS.draw(rng)})  # fmt: skip
    record = {"id": rec_id, "text": text, "entities": entities, "relations": relations,
              "meta": {"language": lang, "batch": rec_id // 1000}}  # fmt: skip
    line = orjson.dumps(record)
    if rng.random() < BAD * 0.05:
        stats.bad_items["invalid_json"] = stats.bad_items.get("invalid_json", 0) + 1
        bad_n = sum(1 for e in entities if e["start_offset"] > len(text))
        stats.bad("span_out_of_range", -bad_n)
        return line[: len(line) // 2] + b"\n", 0, True
    stats.count("relations", len(relations))
    return line + b"\n", n, False


def _words(text: str) -> Iterator[Any]:
    import re

    return re.finditer(r"\S+", text)


# --- the project -------------------------------------------------------------------------------


def generate(out: Path, labels: int, seed: int = 0, change: float = 0.0) -> dict[str, Any]:
    """Write the raw exports of a project with exactly ``labels`` labels into ``out`` (which must
    not hold an earlier project) and return what they hold."""
    r = Rand(seed, change)
    rng = r.rng
    stats = Stats()
    (out / "audio").mkdir(parents=True, exist_ok=True)
    files = {
        "image": Shards(out, "image", ".json", array=True),
        "video": Shards(out, "video", ".json", array=True),
        "audio": Shards(out, "speakers", ".rttm", array=False),
        "text": Shards(out, "text", ".jsonl", array=False),
    }
    targets = {k: int(labels * v) for k, v in SHARES.items()}
    targets["image"] += labels - sum(targets.values())
    ids = itertools.count(1)
    counters = {k: itertools.count(1) for k in SHARES}
    kinds = [k for k in SHARES if targets[k]]
    while kinds:
        kind = rng.choices(kinds, [targets[k] - stats.labels[k] for k in kinds])[0]
        budget = targets[kind] - stats.labels[kind]
        number = next(counters[kind])
        if kind in ("image", "video"):
            task, used = ls_task(r, kind, number + (0 if kind == "image" else 50_000_000), budget,
                                 ids, stats)  # fmt: skip
            files[kind].write(orjson.dumps(task), used)
        elif kind == "audio":
            used = recording(r, f"rec-{number:07d}", budget, out / "audio", files["audio"], stats)
        else:
            line, used, broken = doccano_record(r, number, budget, stats)
            files[kind].write(line, used)
            if broken:  # the budget stays: the broken line's labels are not labels
                continue
        stats.labels[kind] += used
        if stats.labels[kind] >= targets[kind]:
            kinds.remove(kind)
            files[kind].close()
    for f in files.values():
        f.close()
    write_configs(out)
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "change": change,
        "labels": stats.total,
        "labels_by_source": stats.labels,
        "bad_labels": dict(sorted(stats.bad_labels.items())),
        "bad_items": stats.bad_items,
        "changed": r.changed,
        "counts": dict(sorted(stats.counts.items())),
        "files": sum(1 for p in out.rglob("*") if p.is_file()),
        "bytes": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
    }


def _labels_xml(tag: str, name: str, to: str, classes: list[str]) -> str:
    labels = "".join(f'<Label value="{c}"/>' for c in classes)
    return f'  <{tag} name="{name}" toName="{to}">{labels}</{tag}>'


def write_configs(out: Path) -> None:
    """The Label Studio labelling configs of the image and video projects."""
    image = "\n".join([
        "<View>",
        '  <Image name="image" value="$image"/>',
        _labels_xml("RectangleLabels", "box", "image", IMAGE_CLASSES.names),
        _labels_xml("PolygonLabels", "poly", "image", IMAGE_CLASSES.names),
        '  <Choices name="image_quality" toName="image">'
        + "".join(f'<Choice value="{q}"/>' for q in QUALITY) + "</Choices>",
        '  <Text name="caption" value="$caption"/>',
        _labels_xml("Labels", "phrase", "caption", list(PHRASE_CLASSES)),
        '  <Relations><Relation value="describes"/></Relations>',
        "</View>", "",
    ])  # fmt: skip
    video = "\n".join([
        "<View>",
        '  <Video name="video" value="$video" framerate="25"/>',
        '  <VideoRectangle name="box" toName="video"/>',
        _labels_xml("Labels", "videoLabels", "video", VIDEO_CLASSES.names),
        _labels_xml("TimelineLabels", "events", "video", EVENT_CLASSES.names),
        "</View>", "",
    ])  # fmt: skip
    (out / "image-config.xml").write_text(image, encoding="utf-8")
    (out / "video-config.xml").write_text(video, encoding="utf-8")


def sources(raw: str) -> dict[str, Any]:
    """``pipelines/sources.yaml`` of the generated project; ``raw`` is the folder of the exports,
    relative to the project root."""
    return {
        "sources": [
            {"name": "bench-image", "format": "label-studio", "paths": [f"{raw}/image-*.json"],
             "options": {"label_config": f"{raw}/image-config.xml"}},
            {"name": "bench-video", "format": "label-studio", "paths": [f"{raw}/video-*.json"],
             "options": {"label_config": f"{raw}/video-config.xml"}},
            {"name": "bench-transcripts", "format": "webvtt", "paths": [f"{raw}/audio/*.vtt"],
             "options": {"media": "{stem}.wav", "pass": "text"},
             "item_key": {"group": "recordings", "key": "stem"}},
            {"name": "bench-speakers", "format": "rttm", "paths": [f"{raw}/speakers-*.rttm"],
             "options": {"media": "{uri}.wav", "origin": "model", "model": "diarizer-2.1"},
             "item_key": {"group": "recordings", "key": "stem"}},
            {"name": "bench-text", "format": "doccano", "paths": [f"{raw}/text-*.jsonl"]},
        ]
    }  # fmt: skip


def contract_additions() -> dict[str, Any]:
    """What the benchmark's contract adds to the project's: the generated long tail of classes,
    and the languages and scripts the generated text uses."""
    regions = [
        "box",
        "polygon",
        "ellipse",
        "keypoint",
        "mask",
        "track",
        "frame_span",
        "time_span",
        "tag",
    ]
    tail = [c for z in (IMAGE_CLASSES, VIDEO_CLASSES, EVENT_CLASSES) for c in z.names if "_" in c]
    classes: dict[str, Any] = {c: {"kinds": regions} for c in tail}
    classes.update({c: {"kinds": ["span", "tag"]} for c in TEXT_CLASSES.names if "_" in c})
    return {
        "classes": classes,
        "languages": LANGS,
        "scripts": ["Latin", "Cyrillic", "Greek", "Arabic", "Devanagari", "Han", "Hiragana",
                    "Katakana", "Hangul", "Thai", "Common", "Inherited"],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--labels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--change", type=float, default=0.0, help="share of labels to change")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (must be new)")
    args = parser.parse_args(argv)
    if args.labels < 100:
        parser.error("--labels must be at least 100")
    json.dump(generate(args.out, args.labels, args.seed, args.change), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
