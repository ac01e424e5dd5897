"""WebVTT benchmark: ``labelrelease pull`` of a large transcript beside two parse-only
baselines, in the same run.

Generates a seeded transcript per size once (``generate_vtt.py``, into ``benchmarks/out/``),
then alternates runs of the programs, each a child process measured over its process tree
(``procstats.py``):

- ``baseline_webvtt_py``: ``baseline_vtt.py --parser webvtt-py`` (webvtt-py + pyarrow);
- ``baseline_plain``: ``baseline_vtt.py --parser plain`` (a line loop, two regexes + pyarrow);
- ``pull``: the real ``labelrelease pull FILE --format webvtt`` CLI.

It reports median, min and max per size and program, cues per second, pull/baseline ratios,
and peak memory at the smallest and largest size (the importer streams, so its memory should
not grow with the file; webvtt-py reads the whole file). Results go to
``benchmarks/results/webvtt.json``.

    python benchmarks/run_vtt.py                          # 100k and 1M cues, 3 runs each
    python benchmarks/run_vtt.py --cues 100000 --repeat 1 # quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from procstats import Measurement, measure
from run import machine, package_source, pull_cli, spread

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = HERE / "out"
DEFAULT_RESULTS = HERE / "results" / "webvtt.json"
DEFAULT_SIZES = (100_000, 1_000_000)
PROGRAMS = ("baseline_webvtt_py", "baseline_plain", "pull")
METRICS = ("wall_s", "cpu_s", "maxrss_mb", "tree_rss_mb", "processes")
GENERATOR = HERE / "generate_vtt.py"
BASELINE = HERE / "baseline_vtt.py"


def ensure_file(work: Path, cues: int, seed: int = 0) -> tuple[Path, dict[str, Any]]:
    """The transcript for ``cues`` and ``seed``, generated once, with its counts."""
    path = work / f"vtt-{cues}-seed{seed}.vtt"
    stats_path = path.with_suffix(".stats.json")
    if path.exists() and stats_path.exists():
        stats = json.loads(stats_path.read_text())
        if stats.get("generator_version") == _generator_version():
            return path, stats
    cmd = [sys.executable, str(GENERATOR), "--cues", str(cues), "--seed", str(seed)]
    m = measure([*cmd, "--out", str(path)]).check("generate_vtt.py")
    stats = json.loads(m.stdout)
    stats_path.write_text(json.dumps(stats, indent=2) + "\n")
    return path, stats


def _generator_version() -> int:
    for line in GENERATOR.read_text().splitlines():
        if line.startswith("GENERATOR_VERSION"):
            return int(line.split("=")[1])
    raise RuntimeError("GENERATOR_VERSION not found in generate_vtt.py")


def run_once(program: str, path: Path, out: Path) -> Measurement:
    """One run of ``program`` into ``out`` (emptied first)."""
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if program == "pull":
        cmd = [str(pull_cli()), "pull", str(path), "--format", "webvtt", "--out", str(out)]
        return measure(cmd, cwd=out.parent).check("labelrelease pull")
    parser = "webvtt-py" if program == "baseline_webvtt_py" else "plain"
    cmd = [sys.executable, str(BASELINE), str(path), "--out", str(out), "--parser", parser]
    return measure(cmd).check(f"baseline_vtt.py --parser {parser}")


def report(program: str, m: Measurement, out: Path) -> dict[str, Any]:
    """What a run says about its work: baseline stage times, pull's record counts."""
    if program != "pull":
        return dict(json.loads(m.stdout))
    path = out / "pull.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def bench_size(
    work: Path, cues: int, repeat: int, seed: int, programs: tuple[str, ...]
) -> dict[str, Any]:
    """All runs of one size, programs alternating within each repeat."""
    path, stats = ensure_file(work, cues, seed)
    runs: dict[str, list[dict[str, Any]]] = {p: [] for p in programs}
    for i in range(repeat):
        for program in programs if i % 2 == 0 else tuple(reversed(programs)):
            out = work / "runs" / f"vtt-{program}-{cues}"
            m = run_once(program, path, out)
            row = {k: v for k, v in asdict(m).items() if k not in ("stdout", "stderr")}
            row["report"] = report(program, m, out)
            runs[program].append(row)
            print(f"  {cues:>9,} {program:<19} run {i + 1}: {row['wall_s']:7.2f} s wall "
                  f"{row['cpu_s']:7.2f} s cpu {row['maxrss_mb']:6.0f} MB", flush=True)  # fmt: skip
    summary: dict[str, Any] = {}
    for program, rows in runs.items():
        s = {k: spread([r[k] for r in rows]) for k in METRICS}
        s["cues_per_s"] = cues / s["wall_s"]["median"]
        summary[program] = s
    for base in ("baseline_webvtt_py", "baseline_plain"):
        if "pull" in summary and base in summary:
            summary[f"ratio_pull_to_{base}"] = {
                k: summary["pull"][k]["median"] / summary[base][k]["median"] for k in METRICS
            }
    return {"cues": cues, "file": stats, "runs": runs, "summary": summary}


def bench(
    sizes: list[int], repeat: int, seed: int, work: Path, programs: tuple[str, ...] = PROGRAMS
) -> dict[str, Any]:
    """Run every size and return the full results document."""
    results = [bench_size(work, n, repeat, seed, programs) for n in sorted(sizes)]
    doc: dict[str, Any] = {
        "benchmark": "webvtt",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "labelrelease_source": package_source(),
        "repeat": repeat,
        "seed": seed,
        "sizes": results,
        "runner_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if len(results) > 1:
        small, large = results[0]["summary"], results[-1]["summary"]
        doc["memory_growth"] = {
            p: [small[p]["maxrss_mb"]["median"], large[p]["maxrss_mb"]["median"]] for p in programs
        }
    return doc


def table(doc: dict[str, Any]) -> str:
    """The results as a Markdown table (medians; min-max of wall time) and the ratios."""
    lines = [
        "| cues | program | wall s (min-max) | CPU s | peak MB (largest process) | cues/s |",
        "|---|---|---|---|---|---|",
    ]
    ratios = []
    for size in doc["sizes"]:
        for program, s in size["summary"].items():
            if program.startswith("ratio"):
                base = program.removeprefix("ratio_pull_to_")
                ratios.append(f"| {size['cues']:,} | {base} | {s['wall_s']:.2f}x | "
                              f"{s['cpu_s']:.2f}x | {s['maxrss_mb']:.2f}x |")  # fmt: skip
                continue
            w = s["wall_s"]
            lines.append(
                f"| {size['cues']:,} | {program} | {w['median']:.1f} ({w['min']:.1f}-"
                f"{w['max']:.1f}) | {s['cpu_s']['median']:.1f} | "
                f"{s['maxrss_mb']['median']:,.0f} | {s['cues_per_s']:,.0f} |"
            )
    head = ["", "| cues | pull / | wall | CPU | peak memory |", "|---|---|---|---|---|"]
    return "\n".join(lines + head + ratios)


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmark, write the results JSON, print the tables."""
    parser = argparse.ArgumentParser(description="Benchmark the WebVTT import.")
    parser.add_argument("--cues", type=int, action="append", help="size; repeat for several")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size and program")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--programs", default=",".join(PROGRAMS))
    args = parser.parse_args(argv)
    programs = tuple(p for p in args.programs.split(",") if p)
    if set(programs) - set(PROGRAMS):
        parser.error(f"unknown programs; choose from {PROGRAMS}")
    doc = bench(args.cues or list(DEFAULT_SIZES), args.repeat, args.seed, args.work, programs)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(doc, indent=2) + "\n")
    print(table(doc))
    print(f"results written to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
