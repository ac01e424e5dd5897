"""Generate the multimodal demo export, ``tasks.json`` beside this file.

The output is a Label Studio JSON export (a list of tasks) of 24 made-up items for the project
configured by ``label_config.xml``: images with a caption whose phrases are linked to boxes,
audio clips with speaker segments and per-segment transcripts, and short texts with named
entities. Every item has two human annotations that mostly agree and one model prediction.
See ``README.md`` beside this file for what is in it.

The content below is written by hand; a seeded random generator adds small, realistic noise
(boxes a few pixels apart, segment boundaries a few tens of milliseconds apart), region ids and
timestamps. Run it again and you get the same bytes:

    python data/raw/multimodal/make_demo.py
"""

from __future__ import annotations

import json
import random
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20240506
PROJECT = 7
OUT = Path(__file__).with_name("tasks.json")
BUCKET = "s3://demo-bucket"
EPOCH = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)

USERS = {
    "ann1": {"id": 11, "email": "ann1@example.com"},
    "ann2": {"id": 12, "email": "ann2@example.com"},
    "ann3": {"id": 13, "email": "ann3@example.com"},
    "ann4": {"id": 14, "email": "ann4@example.com"},
    "ann5": 15,  # exported as a bare user id, as Label Studio does for some users
}
REVIEWER = {"id": 9, "email": "lead@example.com"}
MODELS = {"image": "detector-v3", "audio": "asr-v2", "text": "ner-v1"}

# --- content -------------------------------------------------------------------------------
# Image items: boxes in pixels (x, y, w, h); phrases are (text, class, ids of the boxes it
# describes). `second` says how the second annotator differs, `model` how the prediction does.
# `by` names the two annotators, `pre` whether each started from the model's pre-labels,
# `reviews` maps an annotation index to the reviewer's verdict, `cancelled_by` adds a skipped
# annotation. Difference keys: `shift` (box px or segment s), `cls`, `drop`/`miss` (leave out),
# `extra` (a false positive with its score), `span` (other span text), `relink` (other boxes),
# `speaker`, `text` (other transcript), `quality` (None: not set).

IMAGES: list[dict[str, Any]] = [
    {
        "file": "000123.jpg",
        "size": (1280, 720),
        "lang": "en",
        "split": "train",
        "gold": True,
        "caption": "A woman in a yellow jacket walks past a red car parked on the street.",
        "boxes": {"p1": ("Person", 412, 198, 118, 392), "c1": ("Car", 640, 372, 436, 214)},
        "phrases": [
            ("A woman in a yellow jacket", "People", ["p1"]),
            ("a red car", "Vehicles", ["c1"]),
        ],
        "by": ("ann1", "ann2"),
        "pre": (False, False),
        "reviews": {0: True},
        "second": {"shift": {"c1": (6, -4, 0, 3)}},
        "model": {},
    },
    {
        "file": "000187.jpg",
        "size": (1024, 768),
        "lang": "en",
        "split": "train",
        "caption": "Two cyclists ride side by side past a parked delivery truck.",
        "boxes": {
            "p1": ("Person", 180, 210, 110, 300),
            "b1": ("Bicycle", 160, 380, 170, 200),
            "p2": ("Person", 330, 220, 105, 290),
            "b2": ("Bicycle", 315, 390, 160, 190),
            "t1": ("Truck", 560, 150, 420, 430),
        },
        "phrases": [
            ("Two cyclists", "People", ["p1", "p2"]),
            ("a parked delivery truck", "Vehicles", ["t1"]),
        ],
        "by": ("ann1", "ann2"),
        "pre": (False, True),
        "second": {"drop": ["b2"]},
        "model": {"cls": {"t1": "Car"}},
    },
    {
        "file": "000204.jpg",
        "size": (1280, 960),
        "lang": "en",
        "split": "train",
        "caption": "A brown dog chases a ball across the grass.",
        "boxes": {"d1": ("Dog", 300, 420, 380, 290)},
        "phrases": [
            ("A brown dog", "Animals", ["d1"]),
            ("a ball", "Other", []),
            ("the grass", "Scene", []),
        ],
        "by": ("ann2", "ann3"),
        "pre": (False, False),
        "second": {"shift": {"d1": (-9, 5, 12, -4)}},
        "model": {"extra": [("Dog", 900, 610, 140, 110, 0.38)]},
    },
    {
        "file": "000219.jpg",
        "size": (1920, 1080),
        "lang": "de",
        "split": "val",
        "caption": "Ein Radfahrer überquert die Straße vor einem weißen Lieferwagen.",
        "boxes": {
            "p1": ("Person", 820, 300, 170, 520),
            "b1": ("Bicycle", 760, 560, 330, 330),
            "t1": ("Truck", 1180, 220, 640, 560),
        },
        "phrases": [
            ("Ein Radfahrer", "People", ["p1"]),
            ("einem weißen Lieferwagen", "Vehicles", ["t1"]),
        ],
        "by": ("ann1", "ann3"),
        "pre": (True, False),
        "reviews": {1: False},
        "second": {"cls": {"t1": "Car"}},
        "model": {},
    },
    {
        "file": "000231.jpg",
        "size": (1280, 720),
        "lang": "en",
        "split": "train",
        "caption": "A city bus stops next to a man on a motorcycle.",
        "boxes": {
            "bus1": ("Bus", 60, 110, 640, 480),
            "p1": ("Person", 820, 250, 120, 300),
            "m1": ("Motorcycle", 780, 390, 260, 240),
        },
        "phrases": [
            ("A city bus", "Vehicles", ["bus1"]),
            ("a man", "People", ["p1"]),
            ("a motorcycle", "Vehicles", ["m1"]),
        ],
        "by": ("ann2", "ann4"),
        "pre": (False, False),
        "second": {"relink": {1: ["m1"]}},
        "model": {"miss": ["p1"]},
    },
    {
        "file": "000248.jpg",
        "size": (800, 600),
        "lang": "ja",
        "split": "train",
        "caption": "赤い車の横を歩く女性と白い犬。",
        "boxes": {
            "c1": ("Car", 40, 250, 380, 200),
            "p1": ("Person", 450, 120, 95, 330),
            "d1": ("Dog", 560, 360, 120, 100),
        },
        "phrases": [
            ("赤い車", "Vehicles", ["c1"]),
            ("女性", "People", ["p1"]),
            ("白い犬", "Animals", ["d1"]),
        ],
        "by": ("ann1", "ann4"),
        "pre": (False, True),
        "second": {},
        "model": {"cls": {"d1": "Cat"}},
    },
    {
        "file": "000256.jpg",
        "size": (1024, 768),
        "lang": "ru",
        "split": "test",
        "caption": "Собака бежит за велосипедистом по парку.",
        "boxes": {
            "d1": ("Dog", 120, 430, 220, 170),
            "p1": ("Person", 520, 180, 140, 380),
            "b1": ("Bicycle", 480, 380, 260, 240),
        },
        "phrases": [
            ("Собака", "Animals", ["d1"]),
            ("велосипедистом", "People", ["p1"]),
        ],
        "by": ("ann3", "ann4"),
        "pre": (False, False),
        "second": {"relink": {1: ["p1", "b1"]}},
        "model": {},
    },
    {
        "file": "000262.jpg",
        "size": (1280, 720),
        "lang": "en",
        "split": "train",
        "caption": (
            "Morning traffic: a yellow taxi, a white van and a cyclist"
            " wait at the lights \U0001f6a6"
        ),
        "boxes": {
            "c1": ("Car", 90, 330, 330, 190),
            "t1": ("Truck", 470, 260, 300, 260),
            "p1": ("Person", 860, 250, 90, 260),
        },
        "phrases": [
            ("a yellow taxi", "Vehicles", ["c1"]),
            ("a white van", "Vehicles", ["t1"]),
            ("a cyclist", "People", ["p1"]),
        ],
        "by": ("ann1", "ann2"),
        "pre": (True, True),
        "second": {"cls": {"t1": "Car"}},
        "model": {"cls": {"t1": "Car"}},
    },
    {
        "file": "000275.jpg",
        "size": (640, 480),
        "lang": "en",
        "split": "val",
        "quality": "Blurry",
        "caption": "A cat sleeps on the hood of a black car.",
        "boxes": {"cat1": ("Cat", 250, 150, 160, 90), "c1": ("Car", 20, 120, 600, 330)},
        "phrases": [("A cat", "Animals", ["cat1"]), ("a black car", "Vehicles", ["c1"])],
        "by": ("ann2", "ann3"),
        "pre": (False, False),
        "reviews": {0: True, 1: True},
        "second": {"shift": {"cat1": (4, 3, -6, 2)}, "quality": None},
        "model": {},
    },
    {
        "file": "000281.jpg",
        "size": (1280, 720),
        "lang": "en",
        "split": "train",
        "caption": "People queue to board a double-decker bus.",
        "boxes": {
            "p1": ("Person", 100, 260, 110, 360),
            "p2": ("Person", 230, 250, 105, 370),
            "p3": ("Person", 350, 270, 100, 350),
            "bus1": ("Bus", 480, 60, 760, 600),
        },
        "phrases": [
            ("People", "People", ["p1", "p2", "p3"]),
            ("a double-decker bus", "Vehicles", ["bus1"]),
        ],
        "by": ("ann1", "ann5"),
        "pre": (False, False),
        "cancelled_by": "ann3",
        "second": {"drop": ["p3"]},
        "model": {},
    },
    {
        "file": "000299.jpg",
        "size": (1024, 768),
        "lang": "de",
        "split": "test",
        "caption": "Zwei Hunde tollen neben einem geparkten Fahrrad über die Wiese.",
        "boxes": {
            "d1": ("Dog", 120, 420, 240, 180),
            "d2": ("Dog", 390, 450, 200, 160),
            "b1": ("Bicycle", 640, 300, 330, 260),
        },
        "phrases": [
            ("Zwei Hunde", "Animals", ["d1", "d2"]),
            ("einem geparkten Fahrrad", "Vehicles", ["b1"]),
            ("die Wiese", "Scene", []),
        ],
        "by": ("ann3", "ann4"),
        "pre": (True, False),
        "second": {"span": {0: "Hunde"}},
        "model": {"miss": ["d2"]},
    },
    {
        "file": "000305.jpg",
        "size": (1280, 720),
        "lang": "en",
        "split": "train",
        "quality": "Occluded",
        "caption": "A delivery truck blocks the bike lane while a courier unloads boxes.",
        "boxes": {"t1": ("Truck", 200, 140, 620, 460), "p1": ("Person", 860, 240, 120, 380)},
        "phrases": [
            ("A delivery truck", "Vehicles", ["t1"]),
            ("a courier", "People", ["p1"]),
            ("boxes", "Other", []),
        ],
        "by": ("ann2", "ann5"),
        "pre": (False, True),
        "reviews": {1: True},
        "second": {},
        "model": {"extra": [("Car", 1100, 420, 160, 120, 0.44)]},
    },
]

# Audio items: segments are (speaker, start s, end s, transcript).
AUDIO: list[dict[str, Any]] = [
    {
        "file": "call_0042.wav",
        "duration": 19.4,
        "lang": "en",
        "split": "train",
        "gold": True,
        "segments": [
            ("SPEAKER_A", 0.42, 4.10, "Hi, thanks for calling Northwind support, this is Dana."),
            (
                "SPEAKER_B",
                4.55,
                8.90,
                "Hi Dana, my order arrived yesterday but the box was damaged.",
            ),
            ("SPEAKER_A", 9.20, 13.35, "I'm sorry to hear that. Can you give me the order number?"),
            ("SPEAKER_B", 13.80, 18.95, "Sure, it's four seven one nine two."),
        ],
        "by": ("ann3", "ann4"),
        "pre": (False, False),
        "reviews": {0: True},
        "second": {"text": {3: "Sure, it's 47192."}},
        "model": {
            "text": {
                0: "Hi thanks for calling north wind support this is Dana.",
                3: "Sure it's for seven one nine two.",
            }
        },
    },
    {
        "file": "meeting_0107.wav",
        "duration": 22.8,
        "lang": "en",
        "split": "train",
        "quality": "Overlapping speech",
        "segments": [
            ("SPEAKER_A", 0.0, 6.2, "Okay, let's start with the quarterly numbers."),
            ("SPEAKER_B", 5.8, 9.4, "Before that, can we talk about the launch date?"),
            ("SPEAKER_A", 9.6, 15.1, "Sure. Marketing wants the fourteenth of October."),
            ("SPEAKER_C", 15.5, 21.0, "That's tight, engineering still has two open blockers."),
            ("SPEAKER_B", 21.3, 22.0, "Mm-hmm."),
        ],
        "by": ("ann3", "ann1"),
        "pre": (True, True),
        "second": {"drop": [4]},
        "model": {
            "speaker": {3: "SPEAKER_A"},
            "text": {2: "Sure. Marketing wants the 14th of October."},
        },
    },
    {
        "file": "podcast_0311.wav",
        "duration": 26.4,
        "lang": "en",
        "split": "val",
        "segments": [
            (
                "SPEAKER_A",
                0.8,
                8.6,
                "Welcome back to the show. Today we're talking about city cycling.",
            ),
            (
                "SPEAKER_B",
                9.0,
                17.4,
                "Thanks for having me. Bike lanes in our city doubled in five years.",
            ),
            ("SPEAKER_A", 17.9, 25.7, "That's impressive. What changed?"),
        ],
        "by": ("ann4", "ann1"),
        "pre": (False, False),
        "second": {"speaker": {2: "SPEAKER_B"}, "shift": {1: (0.35, -0.2)}},
        "model": {},
    },
    {
        "file": "call_0058.wav",
        "duration": 18.2,
        "lang": "de",
        "split": "train",
        "quality": "Noisy",
        "segments": [
            ("SPEAKER_A", 0.3, 4.8, "Guten Tag, hier ist der Kundenservice der Stadtwerke."),
            (
                "SPEAKER_B",
                5.1,
                10.9,
                "Hallo, können Sie mir bitte die letzte Rechnung noch einmal schicken?",
            ),
            ("SPEAKER_A", 11.2, 17.6, "Natürlich, ich schicke sie Ihnen gleich per E-Mail."),
        ],
        "by": ("ann3", "ann4"),
        "pre": (False, True),
        "reviews": {1: False},
        "second": {
            "quality": None,
            "text": {1: "Hallo, können sie mir bitte die letzte Rechnung nochmal schicken?"},
        },
        "model": {"text": {1: "Hallo, können sie mir bitte die letzte Rechnung nochmal schicken?"}},
    },
    {
        "file": "interview_0020.wav",
        "duration": 24.0,
        "lang": "de",
        "split": "test",
        "segments": [
            ("SPEAKER_A", 0.5, 5.9, "Frau Köhler, seit wann arbeiten Sie an der Brücke?"),
            (
                "SPEAKER_B",
                6.3,
                15.8,
                "Seit März. Die größte Herausforderung war der Lärmschutz für die Anwohner.",
            ),
            ("SPEAKER_A", 16.2, 23.4, "Und wann wird sie für den Verkehr freigegeben?"),
        ],
        "by": ("ann1", "ann3"),
        "pre": (False, False),
        "second": {
            "text": {
                1: "Seit März. Die größte Herausforderung war der Lärmschutz für die Anwohner"
            },
            "shift": {2: (-0.3, 0.1)},
        },
        "model": {"text": {0: "Frau Köhler, seit wann arbeiten sie an der Brücke?"}},
    },
    {
        "file": "call_0063.wav",
        "duration": 15.5,
        "lang": "en",
        "split": "train",
        "quality": "Noisy",
        "segments": [
            ("SPEAKER_A", 0.2, 3.9, "Hello, I'd like to cancel my subscription."),
            ("SPEAKER_B", 4.3, 9.8, "I can help with that. May I have your account email?"),
            ("SPEAKER_A", 10.1, 14.9, "It's jordan dot lee at example dot com."),
        ],
        "by": ("ann4", "ann5"),
        "pre": (True, False),
        "second": {"text": {2: "It's jordan.lee@example.com."}},
        "model": {"text": {2: "It's Jordan dot Lee at example dot com."}},
    },
    {
        "file": "meeting_0112.wav",
        "duration": 20.0,
        "lang": "en",
        "split": "val",
        "segments": [
            ("SPEAKER_A", 0.0, 5.5, "Quick update from the Berlin office."),
            ("SPEAKER_B", 5.9, 12.3, "The new hires start on the third of June."),
            ("SPEAKER_A", 12.7, 19.4, "Great, please send the onboarding plan by Friday."),
        ],
        "by": ("ann1", "ann4"),
        "pre": (False, False),
        "reviews": {0: True, 1: True},
        "second": {"shift": {0: (0.12, -0.25)}},
        "model": {},
    },
]

# Text items: entity spans are (exact text, class); the first occurrence is meant.
TEXTS: list[dict[str, Any]] = [
    {
        "lang": "en",
        "split": "train",
        "text": "Maria Garcia joined Acme Robotics in Boston on 4 March 2021 as head of research.",
        "spans": [
            ("Maria Garcia", "Person"),
            ("Acme Robotics", "Organization"),
            ("Boston", "Location"),
            ("4 March 2021", "Date"),
        ],
        "by": ("ann1", "ann2"),
        "pre": (False, False),
        "second": {},
        "model": {"drop": [3]},
    },
    {
        "lang": "de",
        "split": "train",
        "text": (
            "Jürgen Müller von der Deutschen Bahn eröffnete am 3. März den neuen Bahnhof"
            " in Düsseldorf."
        ),
        "spans": [
            ("Jürgen Müller", "Person"),
            ("Deutschen Bahn", "Organization"),
            ("3. März", "Date"),
            ("Düsseldorf", "Location"),
        ],
        "by": ("ann2", "ann4"),
        "pre": (False, True),
        "second": {"span": {1: "der Deutschen Bahn"}},
        "model": {"span": {1: "der Deutschen Bahn"}},
    },
    {
        "lang": "ru",
        "split": "val",
        "text": "Анна Петрова из «Газпрома» прилетела в Казань 12 апреля.",
        "spans": [
            ("Анна Петрова", "Person"),
            ("Газпрома", "Organization"),
            ("Казань", "Location"),
            ("12 апреля", "Date"),
        ],
        "by": ("ann1", "ann3"),
        "pre": (False, False),
        "reviews": {0: True},
        "second": {"span": {1: "«Газпрома»"}},
        "model": {},
    },
    {
        "lang": "ja",
        "split": "train",
        "text": "田中健一さんは2023年4月1日にトヨタ自動車の名古屋オフィスを訪れた。",
        "spans": [
            ("田中健一", "Person"),
            ("2023年4月1日", "Date"),
            ("トヨタ自動車", "Organization"),
            ("名古屋", "Location"),
        ],
        "by": ("ann3", "ann4"),
        "pre": (True, True),
        "second": {"cls": {3: "Organization"}, "span": {3: "名古屋オフィス"}},
        "model": {"span": {0: "田中健一さん"}},
    },
    {
        "lang": "en",
        "split": "test",
        "text": (
            "Dr. Priya Raman of the World Health Organization spoke in Geneva on Monday,"
            " 12 June 2023. Great talk! \U0001f389"
        ),
        "spans": [
            ("Priya Raman", "Person"),
            ("World Health Organization", "Organization"),
            ("Geneva", "Location"),
            ("Monday, 12 June 2023", "Date"),
        ],
        "by": ("ann2", "ann1"),
        "pre": (False, False),
        "second": {"span": {0: "Dr. Priya Raman", 3: "12 June 2023"}},
        "model": {"cls": {2: "Organization"}},
    },
]

# --- generation ----------------------------------------------------------------------------

rng = random.Random(SEED)  # noqa: S311 - demo data, not security
_counters = {"annotation": 1000, "prediction": 500, "review": 9000}
_ID_CHARS = string.ascii_letters + string.digits + "_-"


def next_id(kind: str) -> int:
    """The next integer id of an annotation, prediction or review."""
    _counters[kind] += 1
    return _counters[kind]


def region_id() -> str:
    """A Label Studio-style region id (10 random characters)."""
    return "".join(rng.choice(_ID_CHARS) for _ in range(10))


def stamp(at: datetime) -> str:
    """A timestamp as Label Studio writes it."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def later(at: datetime, lo_s: float, hi_s: float) -> datetime:
    """A moment a random number of seconds after ``at`` (microsecond resolution)."""
    return at + timedelta(microseconds=rng.randint(int(lo_s * 1e6), int(hi_s * 1e6)))


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def jitter_box(box: tuple[int, int, int, int], size: tuple[int, int], px: int) -> tuple[int, ...]:
    """``box`` moved by up to ``px`` pixels on each side, kept inside the image."""
    w_img, h_img = size
    x0 = max(0, box[0] + rng.randint(-px, px))
    y0 = max(0, box[1] + rng.randint(-px, px))
    x1 = min(w_img, box[0] + box[2] + rng.randint(-px, px))
    y1 = min(h_img, box[1] + box[3] + rng.randint(-px, px))
    return (x0, y0, x1 - x0, y1 - y0)


def pick(spec: dict[str, Any], key: str) -> dict[str, Any]:
    """A difference table of ``spec`` (``second`` or ``model``), empty when absent."""
    return dict(spec.get(key) or {})


# --- image items ---


def image_view(item: dict[str, Any], diff: dict[str, Any], px: int) -> dict[str, Any]:
    """What one annotator (or the model) sees in an image item: boxes, phrases, quality."""
    boxes = {}
    for key, (cls, x, y, w, h) in item["boxes"].items():
        if key in diff.get("drop", []) or key in diff.get("miss", []):
            continue
        dx, dy, dw, dh = diff.get("shift", {}).get(key, (0, 0, 0, 0))
        geom = jitter_box((x + dx, y + dy, w + dw, h + dh), item["size"], px)
        boxes[key] = (diff.get("cls", {}).get(key, cls), geom)
    for n, (cls, x, y, w, h, _score) in enumerate(diff.get("extra", [])):
        boxes[f"extra{n}"] = (cls, (x, y, w, h))
    phrases = []
    for n, (text, cls, targets) in enumerate(item["phrases"]):
        text = diff.get("span", {}).get(n, text)
        targets = diff.get("relink", {}).get(n, targets)
        phrases.append((text, cls, [t for t in targets if t in boxes]))
    quality = diff.get("quality", item.get("quality"))
    return {"boxes": boxes, "phrases": phrases, "quality": quality}


def box_result(
    rid: str, cls: str, geom: tuple[float, ...], size: tuple[int, int]
) -> dict[str, Any]:
    """A ``rectanglelabels`` result with geometry in percent of the image size."""
    w_img, h_img = size
    x, y, w, h = geom
    return {
        "id": rid,
        "type": "rectanglelabels",
        "from_name": "box",
        "to_name": "image",
        "original_width": w_img,
        "original_height": h_img,
        "value": {
            "x": x / w_img * 100,
            "y": y / h_img * 100,
            "width": w / w_img * 100,
            "height": h / h_img * 100,
            "rotation": 0,
            "rectanglelabels": [cls],
        },
    }


def span_value(text: str, part: str, cls: str) -> dict[str, Any]:
    """A ``labels`` value for the first occurrence of ``part`` in ``text``."""
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part, "labels": [cls]}


def choice_result(name: str, to: str, value: str) -> dict[str, Any]:
    """A ``choices`` result."""
    return {
        "id": region_id(),
        "type": "choices",
        "from_name": name,
        "to_name": to,
        "value": {"choices": [value]},
    }


def image_prediction(item: dict[str, Any]) -> dict[str, Any]:
    """The detector's pass over an image item: boxes with scores, nothing else."""
    view = image_view(item, pick(item, "model"), px=7)
    extras = {f"extra{n}": e[5] for n, e in enumerate(pick(item, "model").get("extra", []))}
    results, regions = [], {}
    for key, (cls, geom) in view["boxes"].items():
        res = box_result(region_id(), cls, geom, item["size"])
        res["score"] = extras.get(key, round(rng.uniform(0.62, 0.98), 4))
        results.append(res)
        regions[key] = res
    return {"results": results, "regions": regions}


def image_annotation(
    item: dict[str, Any], diff: dict[str, Any], pred: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """One human pass over an image item, started from ``pred`` when it is given."""
    view = image_view(item, diff, px=2)
    results, rids = [], {}
    for key, (cls, geom) in view["boxes"].items():
        pre = (pred or {"regions": {}})["regions"].get(key)
        if pre is None:
            res = box_result(region_id(), cls, geom, item["size"])
            res["origin"] = "manual"
        else:
            pre_cls = pre["value"]["rectanglelabels"][0]
            pre_geom = tuple(
                pre["value"][k] * item["size"][i % 2] / 100
                for i, k in enumerate(("x", "y", "width", "height"))
            )
            if pre_cls == cls and iou(pre_geom, geom) >= 0.9:
                res = {k: v for k, v in pre.items() if k != "score"}
                res["origin"] = "prediction"
            else:
                res = box_result(pre["id"], cls, geom, item["size"])
                res["origin"] = "prediction-changed"
        rids[key] = res["id"]
        results.append(res)
    relations = []
    for text, cls, targets in view["phrases"]:
        rid = region_id()
        results.append(
            {
                "id": rid,
                "type": "labels",
                "from_name": "phrase",
                "to_name": "caption",
                "origin": "manual",
                "value": span_value(item["caption"], text, cls),
            }
        )
        relations += [relation(rid, rids[t]) for t in targets]
    for name, to, value in (
        ("language", "caption", None if item["lang"] == "en" else item["lang"]),
        ("image_quality", "image", view["quality"]),
    ):
        if value is not None:  # both choices are optional: set only when they apply
            res = choice_result(name, to, value)
            res["origin"] = "manual"
            results.append(res)
    return results + relations


def relation(from_id: str, to_id: str) -> dict[str, Any]:
    """A ``describes`` relation from a caption phrase to an image box."""
    return {
        "type": "relation",
        "from_id": from_id,
        "to_id": to_id,
        "direction": "right",
        "labels": ["describes"],
    }


# --- audio items ---

Segment = tuple[int, str, float, float, str]
"""A marked segment: index in the item's script, speaker, start s, end s, transcript."""


def audio_view(item: dict[str, Any], diff: dict[str, Any], sec: float) -> list[Segment]:
    """The speaker segments one annotator (or the model) marks: (n, speaker, start, end, text)."""
    segments = []
    for n, (speaker, start, end, text) in enumerate(item["segments"]):
        if n in diff.get("drop", []):
            continue
        ds, de = diff.get("shift", {}).get(n, (0.0, 0.0))
        start = max(0.0, round(start + ds + rng.uniform(-sec, sec), 3))
        end = min(item["duration"], round(end + de + rng.uniform(-sec, sec), 3))
        speaker = diff.get("speaker", {}).get(n, speaker)
        segments.append((n, speaker, start, end, diff.get("text", {}).get(n, text)))
    return segments


def segment_results(
    item: dict[str, Any], rid: str, seg: Segment, origin: str | None
) -> list[dict[str, Any]]:
    """A speaker segment and its per-region transcript: two results sharing one region id."""
    _n, speaker, start, end, text = seg
    common = {"id": rid, "to_name": "audio"}
    if origin:
        common["origin"] = origin
    label = {
        **common,
        "original_length": item["duration"],
        "type": "labels",
        "from_name": "speaker",
        "value": {"start": start, "end": end, "labels": [speaker]},
    }
    transcript = {
        **common,
        "type": "textarea",
        "from_name": "transcription",
        "value": {"start": start, "end": end, "text": [text]},
    }
    return [label, transcript]


def audio_prediction(item: dict[str, Any]) -> dict[str, Any]:
    """The diariser and recogniser's pass over an audio item, with a score per region."""
    results, regions = [], {}
    for seg in audio_view(item, pick(item, "model"), sec=0.12):
        rid = region_id()
        pair = segment_results(item, rid, seg, None)
        score = round(rng.uniform(0.7, 0.97), 4)
        for res in pair:
            res["score"] = score
        results += pair
        regions[seg[0]] = (rid, seg)
    return {"results": results, "regions": regions}


def audio_annotation(
    item: dict[str, Any], diff: dict[str, Any], pred: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """One human pass over an audio item, started from ``pred`` when it is given."""
    results = []
    for seg in audio_view(item, diff, sec=0.04):
        n = seg[0]
        rid, pre = (pred or {"regions": {}})["regions"].get(n, (None, None))
        if rid is None or pre is None:
            results += segment_results(item, region_id(), seg, "manual")
            continue
        same = (
            pre[1] == seg[1]
            and pre[4] == seg[4]
            and abs(pre[2] - seg[2]) < 0.15
            and abs(pre[3] - seg[3]) < 0.15
        )
        if same:
            results += segment_results(item, rid, pre, "prediction")
        else:
            results += segment_results(item, rid, seg, "prediction-changed")
    quality = diff.get("quality", item.get("quality"))
    if quality is None:  # optional: set only for a clip with a problem
        return results
    res = choice_result("audio_quality", "audio", quality)
    res["origin"] = "manual"
    return [*results, res]


# --- text items ---


def text_view(item: dict[str, Any], diff: dict[str, Any]) -> dict[int, tuple[str, str]]:
    """The entity spans one annotator (or the model) marks, by index."""
    spans = {}
    for n, (part, cls) in enumerate(item["spans"]):
        if n in diff.get("drop", []):
            continue
        spans[n] = (diff.get("span", {}).get(n, part), diff.get("cls", {}).get(n, cls))
    return spans


def entity_result(item: dict[str, Any], rid: str, part: str, cls: str) -> dict[str, Any]:
    """A ``labels`` result on the text."""
    return {
        "id": rid,
        "type": "labels",
        "from_name": "ner",
        "to_name": "text",
        "value": span_value(item["text"], part, cls),
    }


def text_prediction(item: dict[str, Any]) -> dict[str, Any]:
    """The tagger's pass over a text item."""
    results, regions = [], {}
    for n, (part, cls) in text_view(item, pick(item, "model")).items():
        res = entity_result(item, region_id(), part, cls)
        res["score"] = round(rng.uniform(0.66, 0.99), 4)
        results.append(res)
        regions[n] = res
    return {"results": results, "regions": regions}


def text_annotation(
    item: dict[str, Any], diff: dict[str, Any], pred: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """One human pass over a text item, started from ``pred`` when it is given."""
    results = []
    for n, (part, cls) in text_view(item, diff).items():
        pre = (pred or {"regions": {}})["regions"].get(n)
        if pre is None:
            res = entity_result(item, region_id(), part, cls)
            res["origin"] = "manual"
        elif pre["value"]["text"] == part and pre["value"]["labels"] == [cls]:
            res = {k: v for k, v in pre.items() if k != "score"}
            res["origin"] = "prediction"
        else:
            res = entity_result(item, pre["id"], part, cls)
            res["origin"] = "prediction-changed"
        results.append(res)
    return results


# --- tasks ---

KINDS = {
    "image": (image_prediction, image_annotation),
    "audio": (audio_prediction, audio_annotation),
    "text": (text_prediction, text_annotation),
}


def task_data(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """The task's ``data``: media URIs, texts and the ``meta_*`` hints."""
    if kind == "image":
        data = {"image": f"{BUCKET}/images/{item['file']}", "caption": item["caption"]}
    elif kind == "audio":
        transcript = " ".join(seg[3] for seg in item["segments"])
        data = {"audio": f"{BUCKET}/audio/{item['file']}", "transcript": transcript}
    else:
        data = {"text": item["text"]}
    data |= {
        "meta_language": item["lang"],
        "meta_split": item["split"],
        "meta_gold": bool(item.get("gold", False)),
    }
    return data


def review(annotation_id: int, accepted: bool, at: datetime) -> dict[str, Any]:
    """A reviewer's verdict on an annotation."""
    return {
        "id": next_id("review"),
        "annotation": annotation_id,
        "accepted": accepted,
        "created_by": REVIEWER,
        "created_at": stamp(at),
        "result": None,
    }


def annotation(
    task_id: int, who: str, result: list[dict[str, Any]], at: datetime, cancelled: bool = False
) -> dict[str, Any]:
    """An annotation record as Label Studio exports it (a skipped task when ``cancelled``)."""
    lead_time = round(rng.uniform(2.0, 9.0) if cancelled else rng.uniform(25.0, 240.0), 3)
    ann = {
        "id": next_id("annotation"),
        "completed_by": USERS[who],
        "result": result,
        "was_cancelled": cancelled,
        "ground_truth": False,
        "created_at": stamp(at),
        "updated_at": stamp(at + timedelta(seconds=lead_time)),
        "lead_time": lead_time,
        "reviews": [],
        "parent_prediction": None,
        "task": task_id,
    }
    return ann


def make_task(n: int, kind: str, item: dict[str, Any]) -> dict[str, Any]:
    """One exported task: data, two human annotations (plus any cancelled one), a prediction."""
    task_id = 2400 + n
    created = EPOCH + timedelta(seconds=37 * n)
    predict, annotate = KINDS[kind]
    pred = predict(item)
    pred_at = later(created, 3600, 7200)
    prediction = {
        "id": next_id("prediction"),
        "model_version": MODELS[kind],
        "score": round(sum(r["score"] for r in pred["results"]) / len(pred["results"]), 4),
        "result": pred["results"],
        "created_at": stamp(pred_at),
        "updated_at": stamp(pred_at),
        "task": task_id,
    }
    annotations = []
    at = later(pred_at, 86400, 10 * 86400)
    for idx, (who, prelabelled) in enumerate(zip(item["by"], item["pre"], strict=True)):
        diff = pick(item, "second") if idx == 1 else {}
        result = annotate(item, diff, pred if prelabelled else None)
        ann = annotation(task_id, who, result, at)
        if prelabelled:
            ann["parent_prediction"] = prediction["id"]
        if item.get("gold") and idx == 0:
            ann["ground_truth"] = True
        if idx in item.get("reviews", {}):
            verdict = item["reviews"][idx]
            ann["reviews"].append(review(ann["id"], verdict, later(at, 86400, 3 * 86400)))
        annotations.append(ann)
        at = later(at, 600, 2 * 86400)
    if "cancelled_by" in item:
        annotations.append(annotation(task_id, item["cancelled_by"], [], at, cancelled=True))
    last = max([created, pred_at] + [datetime.fromisoformat(a["updated_at"]) for a in annotations])
    return {
        "id": task_id,
        "inner_id": n,
        "data": task_data(kind, item),
        "annotations": annotations,
        "predictions": [prediction],
        "drafts": [],
        "meta": {},
        "created_at": stamp(created),
        "updated_at": stamp(last),
        "total_annotations": sum(not a["was_cancelled"] for a in annotations),
        "cancelled_annotations": sum(a["was_cancelled"] for a in annotations),
        "total_predictions": 1,
        "project": PROJECT,
    }


def check_offsets(text: str, spans: list[str]) -> None:
    """Fail if a character outside the BMP comes before a span's end.

    Label Studio counts offsets in UTF-16 code units, Python in code points; they differ after
    such a character (an emoji), so the demo keeps emoji after the last span.
    """
    last_end = max(text.index(s) + len(s) for s in spans)
    if any(ord(c) > 0xFFFF for c in text[:last_end]):
        raise ValueError(f"non-BMP character before a span in {text!r}")


def build() -> list[dict[str, Any]]:
    """All demo tasks, images first, then audio, then texts."""
    items = [("image", i) for i in IMAGES] + [("audio", i) for i in AUDIO]
    items += [("text", i) for i in TEXTS]
    for kind, item in items:
        if kind == "image":
            spans = [p[0] for p in item["phrases"]] + list(item["second"].get("span", {}).values())
            check_offsets(item["caption"], spans)
        elif kind == "text":
            spans = [s[0] for s in item["spans"]]
            for diff in (item["second"], item["model"]):
                spans += list(diff.get("span", {}).values())
            check_offsets(item["text"], spans)
    return [make_task(n, kind, item) for n, (kind, item) in enumerate(items, start=1)]


def main() -> None:
    """Write ``tasks.json``: pretty-printed, sorted keys, UTF-8, trailing newline."""
    text = json.dumps(build(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.name}: {len(text.encode('utf-8'))} bytes")


if __name__ == "__main__":
    main()
