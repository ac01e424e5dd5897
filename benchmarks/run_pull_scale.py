"""`pull` alone on the end-to-end benchmark's generated project, at several sizes.

Reuses ``e2e/run.py`` (the generated exports, the throwaway project, the measured command) but
runs only the ``pull`` stage, ``--repeat`` times per size, and reports its CPU time, so that
the growth of ``pull`` from one size to the next can be read without the other stages. Each
run's outputs (``data/staged``) are digested, so that runs of different code can be checked
for byte-identical outputs.

    python benchmarks/run_pull_scale.py --labels 1000000 3000000 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import statistics
from pathlib import Path
from typing import Any

from loadfile import load_file

BENCH = Path(__file__).resolve().parent


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file ``pull`` wrote."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--labels", type=int, nargs="+", default=[1_000_000, 3_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=BENCH / "out" / "e2e")
    parser.add_argument("--out", type=Path, default=BENCH / "out" / "pull-scale.json")
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    e2e = load_file("e2e_run", BENCH / "e2e" / "run.py")
    shared = load_file("bench_run_shared", BENCH / "run.py")
    doc: dict[str, Any] = {
        "benchmark": "pull-scale",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": shared.machine(),
        "code": shared.package_source(),
        "sizes": {},
    }
    args.work.mkdir(parents=True, exist_ok=True)
    for labels in args.labels:
        raw, _stats = e2e.ensure_raw(args.work, labels, args.seed, 0.0)
        project = args.work / f"pull-scale-{labels}"
        runs = []
        for i in range(args.repeat):
            e2e.make_project(project, raw, args.memory_limit, args.threads)
            m = e2e.run_measured(["/bin/sh", "-c", "labelrelease pull"], project).check("pull")
            row = {k: getattr(m, k) for k in ("wall_s", "cpu_s", "maxrss_mb", "tree_rss_mb")}
            row["outputs"] = digests(project / "data" / "staged")
            runs.append(row)
            print(f"{labels:,} labels, run {i + 1}: {m.cpu_s:.1f} s CPU", flush=True)
        doc["sizes"][str(labels)] = {
            "runs": runs,
            "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
            "identical_outputs": all(r["outputs"] == runs[0]["outputs"] for r in runs),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    sizes = doc["sizes"]
    for labels, size in sizes.items():
        print(f"{int(labels):,} labels: median {size['median_cpu_s']:.1f} s CPU")
    if len(sizes) > 1:
        items = list(sizes.items())
        (n0, s0), (n1, s1) = items[0], items[-1]
        growth = s1["median_cpu_s"] / s0["median_cpu_s"]
        print(f"CPU grows {growth:.2f}x for {int(n1) / int(n0):.1f}x the labels")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
