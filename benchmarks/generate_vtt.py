"""Generate a seeded, deterministic WebVTT transcript with exactly ``--cues`` cue blocks.

The file looks like the output of a captioning tool over a long recording: a header with
metadata, increasing cue times, one or two lines per cue; 60 % of cues open with a
``<v Speaker>`` voice tag, 10 % carry ``<i>``/``<b>``/``<c.class>`` markup, 3 % a character
reference (``&amp;``), 30 % an identifier, 10 % cue settings; a ``NOTE`` block every 500 cues.
One cue block in 1,000 is malformed on purpose (no timing line, or an end before its start),
so the import's quarantine path is measured too. The file is written as it is generated, so
the generator's memory does not grow with ``--cues``.

    python benchmarks/generate_vtt.py --cues 1000000 --out benchmarks/out/vtt-1000000.vtt
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

GENERATOR_VERSION = 1

SPEAKERS = ["Anna", "Ben", "Chidi", "Dolores", "Eun-ji", "Farid", "Grete", "Hiro"]
WORDS = (  # noqa: SIM905
    "the a we they said when then there here this that really think know going time people "
    "right well just like okay yes no maybe data label video audio model train release check "
    "speaker turn minute second again because about would could should market river bridge "
    "morning evening tonight tomorrow weather report news camera street city café naïve über"
).split()


def stamp(ms: int) -> str:
    """``hh:mm:ss.ttt``."""
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, t = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{t:03d}"


def line(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))


def generate(out: Path, cues: int, seed: int = 0) -> dict[str, int]:
    """Write the transcript; return what it holds."""
    rng = random.Random(seed)
    stats = {"cues": cues, "voiced": 0, "malformed": 0, "notes": 0, "bytes": 0}
    t = 0
    with out.open("w", encoding="utf-8", newline="\n") as f:
        f.write("WEBVTT - generated transcript\nKind: captions\nLanguage: en\n\n")
        for i in range(cues):
            if i and i % 500 == 0:
                f.write(f"NOTE checkpoint {i // 500}\n\n")
                stats["notes"] += 1
            start = t + rng.randint(0, 400)
            end = start + rng.randint(600, 6000)
            t = end
            text = line(rng)
            if rng.random() < 0.35:
                text += "\n" + line(rng)
            r = rng.random()
            if r < 0.05:
                text = f"<i>{text}</i>"
            elif r < 0.08:
                text = text.replace(" ", " <b>", 1) + "</b>"
            elif r < 0.10:
                text = f"<c.yellow>{text}</c>"
            if rng.random() < 0.03:
                text += " &amp; more"
            if rng.random() < 0.6:
                text = f"<v {rng.choice(SPEAKERS)}>{text}"
                stats["voiced"] += 1
            head = f"cue-{i}\n" if rng.random() < 0.3 else ""
            timing = f"{stamp(start)} --> {stamp(end)}"
            if rng.random() < 0.1:
                timing += " align:start line:90%"
            bad = rng.random()
            if bad < 0.0005:
                timing = ""  # no timing line
                stats["malformed"] += 1
            elif bad < 0.001:
                timing = f"{stamp(end)} --> {stamp(start)}"  # ends before it starts
                stats["malformed"] += 1
            f.write(head + (timing + "\n" if timing else "") + text + "\n\n")
    stats["bytes"] = out.stat().st_size
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cues", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    stats = generate(args.out, args.cues, args.seed)
    print(json.dumps({**stats, "generator_version": GENERATOR_VERSION}))


if __name__ == "__main__":
    main()
