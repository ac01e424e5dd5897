"""Baselines for the WebVTT benchmark: parse the same file and write the same label rows.

- ``webvtt-py``: ``webvtt.read`` (the whole file, into caption objects), then one row per
  caption (BLAKE2b label ID, class, text without markup, t_start/t_end, voice,
  a ``source_ref``), a ``pyarrow.Table`` and ``pyarrow.parquet.write_table`` (zstd).
- ``plain``: the least a streaming parser must do: read lines, split blocks at blank lines, one
  regular expression for the timing line, one ``re.sub`` for the tags, the same rows and write.

Neither validates, quarantines (webvtt-py drops a cue without a timing line unseen), writes the
other tables or sorts: they are floors, not importers. The cyclic garbage collector is off, as
in the Label Studio baseline.

    python benchmarks/baseline_vtt.py FILE.vtt --out DIR [--parser webvtt-py|plain]
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import time
from hashlib import blake2b
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = pa.schema(
    [
        pa.field("label_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("class", pa.string()),
        pa.field("text", pa.string()),
        pa.field("t_start", pa.float64()),
        pa.field("t_end", pa.float64()),
        pa.field("voice", pa.string()),
        pa.field("source_ref", pa.string(), nullable=False),
    ]
)

_STAMP = r"(?:(\d+):)?(\d\d):(\d\d)\.(\d{3})"
_TIMING = re.compile(rf"^\s*{_STAMP}\s+-->\s+{_STAMP}")
_TAG = re.compile(r"<[^<>]*>")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*?)\s*>")


def _id(*parts: object) -> str:
    return "lb_" + blake2b("\x1f".join(map(str, parts)).encode(), digest_size=10).hexdigest()


def rows_webvtt_py(path: Path) -> dict[str, list[Any]]:
    import webvtt

    cols: dict[str, list[Any]] = {f.name: [] for f in SCHEMA}
    for i, c in enumerate(webvtt.read(str(path)).captions, 1):
        _append(cols, i, c.text, c.start_time.in_milliseconds(), c.end_time.in_milliseconds(),
                c.voice, f"{path.name}#{i}")  # fmt: skip
    return cols


def rows_plain(path: Path) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {f.name: [] for f in SCHEMA}
    block: list[str] = []
    n = 0
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line:
                block.append(line)
                continue
            n = _plain_block(cols, block, n, number, path.name)
            block = []
    _plain_block(cols, block, n, 0, path.name)
    return cols


def _plain_block(cols: dict[str, list[Any]], block: list[str], n: int, at: int, name: str) -> int:
    for i in (0, 1):
        if i < len(block) and "-->" in block[i]:
            m = _TIMING.match(block[i])
            if m is None:
                return n
            g = [int(x or 0) for x in m.groups()]
            start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
            end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
            raw = "\n".join(block[i + 1 :])
            voice = _VOICE.match(raw)
            _append(cols, n + 1, _TAG.sub("", raw), start, end, voice and voice.group(1),
                    f"{name}#L{at - len(block)}")  # fmt: skip
            return n + 1
    return n


def _append(cols: dict[str, list[Any]], i: int, text: str, start_ms: int, end_ms: int,
            voice: str | None, ref: str) -> None:  # fmt: skip
    cols["label_id"].append(_id("baseline", i))
    cols["kind"].append("text")
    cols["class"].append("transcript")
    cols["text"].append(text)
    cols["t_start"].append(start_ms / 1000)
    cols["t_end"].append(end_ms / 1000)
    cols["voice"].append(voice)
    cols["source_ref"].append(ref)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--parser", choices=("webvtt-py", "plain"), default="webvtt-py")
    args = parser.parse_args()
    gc.disable()
    t0 = time.perf_counter()
    cols = (rows_webvtt_py if args.parser == "webvtt-py" else rows_plain)(args.file)
    t1 = time.perf_counter()
    table = pa.Table.from_pydict(cols, schema=SCHEMA)
    t2 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, args.out / "labels.parquet", compression="zstd")
    t3 = time.perf_counter()
    print(json.dumps({"rows": table.num_rows, "parse_s": round(t1 - t0, 3),
                      "arrow_s": round(t2 - t1, 3), "write_s": round(t3 - t2, 3)}))  # fmt: skip


if __name__ == "__main__":
    main()
