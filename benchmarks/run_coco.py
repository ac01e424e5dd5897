"""COCO import benchmark: ``labelrelease pull --format coco`` beside a parse-only baseline.

Generates a seeded COCO instances file per size once (``generate_coco.py``, into
``benchmarks/out/``), then alternates runs of the programs, each a child process measured over
its whole process tree (``procstats.py``):

- ``baseline``: ``baseline_coco.py`` (``orjson.loads`` + a plain walk + ``pyarrow.parquet``);
- ``pull``: the real ``labelrelease pull FILE --format coco`` CLI, default settings.

Reports median, min and max of wall time, CPU time and peak memory per size and program,
annotations per second, the pull/baseline ratios and how peak memory changes with the file.
Results go to ``benchmarks/results/coco.json``.

    python benchmarks/run_coco.py                                   # 100k and 1M, 3 runs each
    python benchmarks/run_coco.py --annotations 20000 --repeat 1    # quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from procstats import Measurement, measure
from run import machine, package_source, pull_cli, spread

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = HERE / "out"
DEFAULT_RESULTS = HERE / "results" / "coco.json"
DEFAULT_SIZES = (100_000, 1_000_000)
PROGRAMS = ("baseline", "pull")
METRICS = ("wall_s", "cpu_s", "maxrss_mb", "tree_rss_mb", "processes")


def ensure_file(work: Path, n: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The generated file of ``n`` annotations (made once per generator version)."""
    sys.path.insert(0, str(HERE))
    import generate_coco

    path = work / f"coco-{n}-seed{seed}.json"
    stats_path = path.with_suffix(".stats.json")
    if path.exists() and stats_path.exists():
        stats = json.loads(stats_path.read_text())
        if stats.get("generator_version") == generate_coco.GENERATOR_VERSION:
            return path, stats
    work.mkdir(parents=True, exist_ok=True)
    stats = generate_coco.generate(path, n, seed)
    stats_path.write_text(json.dumps(stats, indent=2))
    return path, stats


def run_once(program: str, path: Path, out: Path) -> Measurement:
    if out.exists():
        import shutil

        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if program == "baseline":
        cmd = [sys.executable, str(HERE / "baseline_coco.py"), str(path), "--out", str(out)]
        return measure(cmd).check("baseline_coco.py")
    cmd = [str(pull_cli()), "pull", str(path), "--format", "coco", "--out", str(out)]
    return measure(cmd, cwd=out.parent).check("labelrelease pull")


def report_of(program: str, m: Measurement, out: Path) -> dict[str, Any]:
    if program == "baseline":
        return dict(json.loads(m.stdout))
    report = out / "pull.json"
    return dict(json.loads(report.read_text())) if report.exists() else {}


def bench_size(work: Path, n: int, repeat: int, seed: int) -> dict[str, Any]:
    path, stats = ensure_file(work, n, seed)
    runs: dict[str, list[dict[str, Any]]] = {p: [] for p in PROGRAMS}
    for i in range(repeat):
        for program in PROGRAMS if i % 2 == 0 else tuple(reversed(PROGRAMS)):
            out = work / "runs" / f"coco-{program}-{n}"
            m = run_once(program, path, out)
            row = {k: v for k, v in asdict(m).items() if k not in ("stdout", "stderr")}
            row["report"] = report_of(program, m, out)
            runs[program].append(row)
            print(f"  {n:>9,} {program:<9} run {i + 1}: {row['wall_s']:7.2f} s wall "
                  f"{row['cpu_s']:7.2f} s cpu {row['maxrss_mb']:6.0f} MB", flush=True)  # fmt: skip
    summary: dict[str, Any] = {}
    for program, rows in runs.items():
        s = {k: spread([r[k] for r in rows]) for k in METRICS}
        s["annotations_per_s"] = n / s["wall_s"]["median"]
        summary[program] = s
    summary["ratio_pull_to_baseline"] = {
        k: summary["pull"][k]["median"] / summary["baseline"][k]["median"] for k in METRICS
    }
    return {"annotations": n, "file": stats, "runs": runs, "summary": summary}


def bench(sizes: list[int], repeat: int, seed: int, work: Path) -> dict[str, Any]:
    """Run every size and return the results document."""
    results = [bench_size(work, n, repeat, seed) for n in sorted(sizes)]
    return {
        "benchmark": "coco",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "labelrelease_source": package_source(),
        "repeat": repeat,
        "seed": seed,
        "sizes": results,
        "runner_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def markdown(doc: dict[str, Any]) -> str:
    """Medians as a Markdown table, with the ratios."""
    lines = ["| annotations | program | wall s (min-max) | CPU s | largest process MB | tree MB "
             "| annotations/s |", "|" + "---|" * 7]  # fmt: skip
    for size in doc["sizes"]:
        for program in PROGRAMS:
            s = size["summary"][program]
            w = s["wall_s"]
            lines.append(
                f"| {size['annotations']:,} | {program} | {w['median']:.1f} ({w['min']:.1f}-"
                f"{w['max']:.1f}) | {s['cpu_s']['median']:.1f} | {s['maxrss_mb']['median']:,.0f}"
                f" | {s['tree_rss_mb']['median']:,.0f} | {s['annotations_per_s']:,.0f} |"
            )
        r = size["summary"]["ratio_pull_to_baseline"]
        lines.append(
            f"| {size['annotations']:,} | pull/baseline | {r['wall_s']:.2f}x | {r['cpu_s']:.2f}x "
            f"| {r['maxrss_mb']:.2f}x | {r['tree_rss_mb']:.2f}x | |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the COCO import against a baseline.")
    parser.add_argument("--annotations", type=int, action="append", help="repeat for sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    args = parser.parse_args(argv)
    doc = bench(args.annotations or list(DEFAULT_SIZES), args.repeat, args.seed, args.work)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(doc, indent=2) + "\n")
    print(markdown(doc))
    print(f"results written to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
