"""Pull benchmark: ``labelrelease pull`` beside a baseline, on generated Label Studio exports.

Generates a seeded export per size once (into ``benchmarks/out/``), then alternates runs of
the programs, each as a child process:

- ``baseline``: ``baseline_ls.py`` (``orjson.loads`` + a plain walk + ``pyarrow.parquet``);
- ``baseline_gc_on``: the same with Python's cyclic garbage collector left on;
- ``pull``: the real ``labelrelease pull`` CLI with its default settings;
- ``pull_serial``: the same with one worker process (``pull.workers: 1``).

For every run it records, over the child's whole process tree (see ``procstats.py``), wall time,
CPU time (user + sys), the peak RSS of the largest process and the sampled peak of the tree's
summed RSS. It reports median, min and max per size and program, throughput in regions per
second, pull/baseline ratios, and how peak memory changes from the smallest size to the
largest (bounded memory means it should not grow with the file). Results go to
``benchmarks/results/pull.json`` with the machine, the code measured and the date.

    python benchmarks/run.py                                 # 100k and 1M regions, 3 runs each
    python benchmarks/run.py --regions 100000 --repeat 1     # quick look

The runner imports only the standard library, so that its own memory (which a child's peak RSS
can inherit at spawn on Linux) stays small; it is reported as ``runner_maxrss_mb``. Run it
from the repository with the project's virtualenv; ``benchmarks/`` must be importable (it is,
when the script is run by path).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from procstats import Measurement, measure

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = HERE / "out"
DEFAULT_RESULTS = HERE / "results" / "pull.json"
DEFAULT_SIZES = (100_000, 1_000_000)
PROGRAMS = ("baseline", "baseline_gc_on", "pull", "pull_serial")
METRICS = ("wall_s", "cpu_s", "maxrss_mb", "tree_rss_mb", "processes")
GENERATOR = HERE / "generate_ls.py"
BASELINE = HERE / "baseline_ls.py"


def pull_cli() -> Path:
    """The ``labelrelease`` console script installed next to this interpreter."""
    return Path(sys.executable).parent / "labelrelease"


def export_path(work: Path, regions: int, seed: int) -> Path:
    """Where the export of a size and seed is cached."""
    return work / f"ls-{regions}-seed{seed}.json"


def config_path(export: Path) -> Path:
    """The labeling config written beside an export."""
    return export.with_suffix(".config.xml")


def ensure_export(work: Path, regions: int, seed: int = 0) -> tuple[Path, dict[str, Any]]:
    """The export for ``regions`` and ``seed`` and its labeling config, generated once; with
    the export's counts."""
    path = export_path(work, regions, seed)
    stats_path = path.with_suffix(".stats.json")
    if path.exists() and stats_path.exists() and config_path(path).exists():
        stats = json.loads(stats_path.read_text())
        if stats.get("generator_version") == _generator_version():
            return path, stats
    cmd = [sys.executable, str(GENERATOR), "--regions", str(regions), "--seed", str(seed)]
    cmd += ["--out", str(path), "--config", str(config_path(path))]
    m = measure(cmd).check("generate_ls.py")
    stats = json.loads(m.stdout)
    stats["generate_s"] = round(m.wall_s, 2)
    stats_path.write_text(json.dumps(stats, indent=2) + "\n")
    return path, stats


def _generator_version() -> int:
    for line in GENERATOR.read_text().splitlines():
        if line.startswith("GENERATOR_VERSION"):
            return int(line.split("=")[1])
    raise RuntimeError("GENERATOR_VERSION not found in generate_ls.py")


def run_baseline(export: Path, out: Path, *, keep_gc: bool = False) -> Measurement:
    """One baseline run into ``out`` (emptied first)."""
    _fresh(out)
    cmd = [sys.executable, str(BASELINE), str(export), "--out", str(out)]
    return measure([*cmd, "--keep-gc"] if keep_gc else cmd).check("baseline_ls.py")


def run_pull(export: Path, out: Path, *, workers: int | None = None) -> Measurement:
    """One ``labelrelease pull`` run into ``out`` (emptied first), with its default settings
    or with ``workers`` worker processes."""
    _fresh(out)
    cmd = [str(pull_cli()), "pull", str(export), "--format", "label-studio", "--out", str(out)]
    cmd += ["--label-config", str(config_path(export))]
    if workers is not None:
        params = out.parent / f"params-workers-{workers}.yaml"
        params.write_text(f"pull:\n  workers: {workers}\n")
        cmd += ["--params", str(params)]
    return measure(cmd, cwd=out.parent).check("labelrelease pull")


def _fresh(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)


def run_once(program: str, export: Path, out: Path) -> Measurement:
    """One run of ``program`` (one of ``PROGRAMS``)."""
    if program == "pull":
        return run_pull(export, out)
    if program == "pull_serial":
        return run_pull(export, out, workers=1)
    return run_baseline(export, out, keep_gc=program == "baseline_gc_on")


def spread(values: list[float]) -> dict[str, float]:
    """Median, min and max."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }


def extras(program: str, m: Measurement, out: Path) -> dict[str, Any]:
    """What a run reports about its own work: baseline stage times, pull's record counts."""
    if not program.startswith("pull"):
        return json.loads(m.stdout)
    report = out / "pull.json"
    return json.loads(report.read_text()) if report.exists() else {}


def bench_size(
    work: Path, regions: int, repeat: int, seed: int, programs: tuple[str, ...]
) -> dict[str, Any]:
    """All runs of one size, programs alternating within each repeat."""
    export, stats = ensure_export(work, regions, seed)
    runs: dict[str, list[dict[str, Any]]] = {p: [] for p in programs}
    for i in range(repeat):
        order = programs if i % 2 == 0 else tuple(reversed(programs))
        for program in order:
            out = work / "runs" / f"{program}-{regions}"
            m = run_once(program, export, out)
            row = {k: v for k, v in asdict(m).items() if k not in ("stdout", "stderr")}
            row["report"] = extras(program, m, out)
            runs[program].append(row)
            print(f"  {regions:>9,} {program:<15} run {i + 1}: {_brief(row)}", flush=True)
    return {"regions": regions, "export": stats, "runs": runs, "summary": summarise(runs, regions)}


def _brief(row: dict[str, Any]) -> str:
    return (
        f"{row['wall_s']:7.2f} s wall {row['cpu_s']:7.2f} s cpu "
        f"{row['maxrss_mb']:6.0f} MB largest process {row['tree_rss_mb']:6.0f} MB tree "
        f"({row['processes']} processes)"
    )


def summarise(runs: dict[str, list[dict[str, Any]]], regions: int) -> dict[str, Any]:
    """Median/min/max per program, throughput, and pull/baseline ratios of the medians."""
    out: dict[str, Any] = {}
    for program, rows in runs.items():
        s = {k: spread([r[k] for r in rows]) for k in METRICS}
        s["regions_per_s"] = regions / s["wall_s"]["median"]
        out[program] = s
    if "pull" in out and "baseline" in out:
        out["ratio_pull_to_baseline"] = {
            k: out["pull"][k]["median"] / out["baseline"][k]["median"] for k in METRICS
        }
    return out


def memory_growth(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """Peak RSS at the smallest and largest size, per program, and their ratio."""
    small, large = sizes[0], sizes[-1]
    out: dict[str, Any] = {"regions": [small["regions"], large["regions"]]}
    out["regions_ratio"] = large["regions"] / small["regions"]
    for program in small["summary"]:
        if program.startswith("ratio"):
            continue
        out[program] = {}
        for k in ("maxrss_mb", "tree_rss_mb"):
            a = small["summary"][program][k]["median"]
            b = large["summary"][program][k]["median"]
            out[program][k] = [a, b]
            out[program][k.replace("_mb", "_ratio")] = b / a
    return out


def machine() -> dict[str, Any]:
    """The machine and software the figures come from (no host names or paths)."""
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _proc_field("/proc/cpuinfo", "model name"),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "mem_total_gb": round(int(_proc_field("/proc/meminfo", "MemTotal").split()[0]) / 2**20, 1),
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in ("labelrelease", "duckdb", "pyarrow", "orjson")},
    }


def package_source(name: str = "labelrelease") -> dict[str, Any]:
    """Which code of ``name`` the children run: git commit and whether its folder has
    uncommitted changes, and a digest of its ``.py`` files (found without importing it)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return {"found": False}
    root = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    status = _git(root, "status", "--porcelain", "--", ".")
    return {
        "commit": _git(root, "rev-parse", "HEAD"),
        "uncommitted_changes": None if status is None else bool(status),
        "py_sha256": digest.hexdigest(),
    }


def _git(where: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _proc_field(path: str, name: str) -> str:
    try:
        with open(path) as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() == name:
                    return value.strip()
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def startup(repeat: int, programs: tuple[str, ...]) -> dict[str, Any]:
    """Time and memory of starting each program without data: the floor under every figure
    (the baseline's imports; ``labelrelease pull --help``)."""
    cmds = {
        "baseline": [sys.executable, "-c", "import orjson, pyarrow.parquet"],
        "pull": [str(pull_cli()), "pull", "--help"],
    }
    out: dict[str, Any] = {}
    for program, cmd in cmds.items():
        if not any(p.startswith(program) for p in programs):
            continue
        rows = [measure(cmd).check(f"{program} start-up") for _ in range(repeat)]
        out[program] = {k: spread([getattr(m, k) for m in rows]) for k in METRICS}
    return out


def bench(
    sizes: list[int], repeat: int, seed: int, work: Path, programs: tuple[str, ...] = PROGRAMS
) -> dict[str, Any]:
    """Run every size and return the full results document."""
    floor = startup(repeat, programs)
    results = [bench_size(work, n, repeat, seed, programs) for n in sorted(sizes)]
    doc: dict[str, Any] = {
        "benchmark": "pull",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "labelrelease_source": package_source(),
        "repeat": repeat,
        "seed": seed,
        "startup": floor,
        "sizes": results,
        "runner_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if len(results) > 1:
        doc["memory_growth"] = memory_growth(results)
    return doc


def table(doc: dict[str, Any]) -> str:
    """The results as a plain-text table: medians, with min-max of wall time."""
    lines = [
        f"{'regions':>10} {'program':<15} {'wall s (min-max)':>22} {'cpu s':>7} "
        f"{'proc MB':>7} {'tree MB':>7} {'procs':>5} {'regions/s':>10}"
    ]
    for size in doc["sizes"]:
        for program, s in size["summary"].items():
            if not program.startswith("ratio"):
                lines.append(f"{size['regions']:>10,} {program:<15} {_cells(s)}")
        r = size["summary"].get("ratio_pull_to_baseline")
        if r:
            lines.append(
                f"{'':>10} {'pull/baseline':<15} {r['wall_s']:>6.2f}x wall, {r['cpu_s']:.2f}x cpu,"
                f" {r['maxrss_mb']:.2f}x largest process, {r['tree_rss_mb']:.2f}x tree memory"
            )
    for program, s in doc["startup"].items():
        lines.append(f"{'start-up':>10} {program:<15} {_cells(s)}")
    g = doc.get("memory_growth")
    if g:
        lines.append(f"peak memory from {g['regions'][0]:,} to {g['regions'][1]:,} regions:")
        for program, v in g.items():
            if isinstance(v, dict):
                (a, b), (c, d) = v["maxrss_mb"], v["tree_rss_mb"]
                lines.append(
                    f"  {program:<15} largest process {a:.0f} -> {b:.0f} MB "
                    f"({v['maxrss_ratio']:.2f}x), tree {c:.0f} -> {d:.0f} MB "
                    f"({v['tree_rss_ratio']:.2f}x)"
                )
    return "\n".join(lines)


def _cells(s: dict[str, Any]) -> str:
    w = s["wall_s"]
    rate = f"{s['regions_per_s']:>10,.0f}" if "regions_per_s" in s else ""
    return (
        f"{w['median']:>7.2f} ({w['min']:>5.2f}-{w['max']:>6.2f}) {s['cpu_s']['median']:>7.2f} "
        f"{s['maxrss_mb']['median']:>7.0f} {s['tree_rss_mb']['median']:>7.0f} "
        f"{s['processes']['max']:>5.0f} {rate}"
    )


def markdown(doc: dict[str, Any]) -> str:
    """The results as a Markdown table for ``benchmarks/README.md`` (medians)."""
    head = (
        "| regions | program | wall s (min-max) | CPU s | largest process MB | tree MB "
        "| processes | regions/s |"
    )
    lines = [head, "|" + "---|" * 8]
    for size in doc["sizes"]:
        for program, s in size["summary"].items():
            if program.startswith("ratio"):
                continue
            w = s["wall_s"]
            lines.append(
                f"| {size['regions']:,} | {program} | {w['median']:.1f} ({w['min']:.1f}-"
                f"{w['max']:.1f}) | {s['cpu_s']['median']:.1f} | {s['maxrss_mb']['median']:,.0f} "
                f"| {s['tree_rss_mb']['median']:,.0f} | {s['processes']['max']:.0f} "
                f"| {s['regions_per_s']:,.0f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmark, write the results JSON and print the table."""
    parser = argparse.ArgumentParser(description="Benchmark labelrelease pull against a baseline.")
    parser.add_argument(
        "--regions", type=int, action="append", help="export size; repeat for several sizes"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per size and program")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="exports and outputs")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument(
        "--programs", default=",".join(PROGRAMS), help=f"comma-separated subset of {PROGRAMS}"
    )
    args = parser.parse_args(argv)
    programs = tuple(p for p in args.programs.split(",") if p)
    unknown = set(programs) - set(PROGRAMS)
    if unknown:
        parser.error(f"unknown programs {sorted(unknown)}; choose from {PROGRAMS}")
    doc = bench(args.regions or list(DEFAULT_SIZES), args.repeat, args.seed, args.work, programs)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(doc, indent=2) + "\n")
    print(table(doc))
    if args.markdown:
        print(markdown(doc))
    print(f"results written to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
