"""End-to-end benchmark: every stage of ``dvc.yaml`` on a generated project, beside a baseline.

For each size (labels):

1. ``generate.py`` writes the raw exports (cached per size, seed and generator version), and a
   second copy with 1 % of the labels changed.
2. A throwaway project is made: ``pipelines/``, ``params.yaml``, ``dvc.yaml`` and every other
   non-data dependency of a stage copied from this repository; ``pipelines/sources.yaml`` for the
   generated exports; the contract extended with the generated long tail of classes and
   languages; the exports hard-linked into ``data/raw/bench``; ``git init`` and ``dvc init``.
   Every stage's params section gets ``duckdb_memory_limit``, ``duckdb_threads`` and
   ``duckdb_temp_directory`` (``--memory-limit``, ``--threads``).
3. Each stage's ``cmd`` runs in ``dvc.yaml`` order (the stages that exist join by themselves),
   measured over its whole process tree (``procstats.py``): wall time, CPU time, peak memory.
4. The baseline, in the same run: DuckDB reads the canonical tables (``data/staged``) once and
   writes them once as zstd Parquet (``baseline.py``).
5. Steps 2-4 are repeated ``--repeat`` times (medians reported); then, once: ``dvc commit``
   (DVC records what the stages made, as ``dvc repro`` would have), a no-op ``dvc repro``
   (three times, median), and ``dvc repro`` after swapping in the exports with 1 % of the labels
   changed.

Results go to ``benchmarks/results/e2e-<labels>.json`` (compared with the previous file of that
size when there is one) and a table is printed.

    python benchmarks/e2e/run.py --labels 1000000 --repeat 3
    python benchmarks/e2e/run.py --labels 100000 --repeat 1 --no-incremental   # quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from loadfile import load_file  # noqa: E402
from procstats import Measurement, measure  # noqa: E402

RAW = "data/raw/bench"
"""Where the exports go in the generated project."""
METRICS = ("wall_s", "cpu_s", "maxrss_mb", "tree_rss_mb")


def env() -> dict[str, str]:
    """The environment of every command: this checkout's package first, the venv's tools."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "COLUMNS": "160",
        "NO_COLOR": "1",
        "DVC_NO_ANALYTICS": "1",
    }


def run_measured(cmd: list[str], cwd: Path) -> Measurement:
    """``measure`` with this benchmark's environment."""
    saved, wanted = dict(os.environ), env()  # env() reads os.environ: before it is cleared
    os.environ.clear()
    os.environ.update(wanted)
    try:
        return measure(cmd, cwd=cwd)
    finally:
        os.environ.clear()
        os.environ.update(saved)


# --- data ----------------------------------------------------------------------------------------


def ensure_raw(work: Path, labels: int, seed: int, change: float) -> tuple[Path, dict[str, Any]]:
    """The exports of one size (generated once, then reused) and what they hold."""
    tag = f"raw-{labels}-s{seed}-v{generate.GENERATOR_VERSION}" + (f"-c{change}" if change else "")
    folder, stats_file = work / tag, work / f"{tag}.json"
    if stats_file.exists() and folder.is_dir():
        return folder, json.loads(stats_file.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    print(f"generating {labels:,} labels{' (changed)' if change else ''} ...", flush=True)
    stats = generate.generate(folder, labels, seed, change)
    stats_file.write_text(json.dumps(stats, indent=2))
    return folder, stats


# --- the project ---------------------------------------------------------------------------------


def stages(dvc_yaml: Path) -> list[tuple[str, dict[str, Any]]]:
    """The stages of ``dvc.yaml`` in order, with their definitions."""
    doc = yaml.safe_load(dvc_yaml.read_text(encoding="utf-8")) or {}
    return list((doc.get("stages") or {}).items())


def _dep_paths(stage: dict[str, Any]) -> list[str]:
    out = []
    for dep in stage.get("deps") or []:
        out.append(dep if isinstance(dep, str) else next(iter(dep)))
    return out


def make_project(project: Path, raw: Path, memory_limit: str, threads: int) -> list[str]:
    """A fresh project at ``project`` with the exports of ``raw``; returns its stage names."""
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copytree(ROOT / "pipelines", project / "pipelines")
    shutil.copy(ROOT / "dvc.yaml", project / "dvc.yaml")
    defined = stages(ROOT / "dvc.yaml")
    for _, stage in defined:  # code, expectations, ... a stage depends on (never data/)
        for dep in _dep_paths(stage):
            src, dst = ROOT / dep, project / dep
            if dep.startswith("data/") or not src.exists() or dst.exists():
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(src, dst)
    (project / "reports").mkdir(exist_ok=True)
    shutil.copytree(raw, project / RAW, copy_function=os.link)
    (project / "pipelines" / "sources.yaml").write_text(
        "# Generated by benchmarks/e2e/run.py\n" + yaml.safe_dump(generate.sources(RAW)),
        encoding="utf-8",
    )
    write_contract(project / "pipelines" / "contract.yaml")
    write_params(project / "params.yaml", [n for n, _ in defined], memory_limit, threads)
    (project / ".gitignore").write_text("/tmp/\n", encoding="utf-8")
    for cmd in (["git", "init", "-q"], ["dvc", "init", "-q"]):
        subprocess.run(cmd, cwd=project, env=env(), check=True, capture_output=True)
    subprocess.run(["dvc", "config", "core.analytics", "false"], cwd=project, env=env(), check=True)
    return [n for n, _ in defined]


def write_contract(path: Path) -> None:
    """The project's contract plus the generated classes, languages and scripts."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    more = generate.contract_additions()
    doc["taxonomy"]["classes"].update(more["classes"])
    policy = doc.setdefault("text_policy", {})
    policy["languages"] = sorted(set(policy.get("languages") or []) | set(more["languages"]))
    policy["scripts"] = sorted(set(policy.get("scripts") or []) | set(more["scripts"]))
    path.write_text(
        "# The project's contract, extended by benchmarks/e2e/run.py\n"
        + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )


def write_params(path: Path, names: list[str], memory_limit: str, threads: int) -> None:
    """The repository's params with DuckDB's limits set in the section of every stage."""
    doc = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8")) or {}
    for name in names:
        section = doc.get(name)
        if not isinstance(section, dict):
            continue
        section["duckdb_memory_limit"] = memory_limit
        section["duckdb_threads"] = threads
        section["duckdb_temp_directory"] = f"tmp/duckdb/{name}"
        if "gates" in section:
            # the benchmark measures cost: the demo's gates judge the demo data, not the
            # generated mix (its passes disagree on purpose), so no gate stops a stage here
            section["gates"] = {}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


# --- runs ----------------------------------------------------------------------------------------


def _figures(m: Measurement) -> dict[str, Any]:
    row = asdict(m)
    row.pop("stdout")
    stderr = row.pop("stderr")  # popped whatever the exit: only a failure keeps its tail
    row["stderr_tail"] = stderr[-2000:] if m.returncode else ""
    return row


def run_once(
    project: Path, names: list[str], cmds: dict[str, str], limits: tuple[str, int]
) -> dict[str, Any]:
    """Every stage's command in order, then the baseline; the figures of each."""
    result: dict[str, Any] = {"stages": {}, "failed": None}
    for name in names:
        print(f"  {name}: {cmds[name]}", flush=True)
        m = run_measured(["/bin/sh", "-c", cmds[name]], project)
        result["stages"][name] = _figures(m)
        if m.returncode:
            result["failed"] = name
            print(f"  {name} failed ({m.returncode}):\n{m.stderr[-3000:]}", flush=True)
            break
    if "pull" in result["stages"] and result["failed"] != "pull":
        staged = project / "data" / "staged"
        out = project / "tmp" / "baseline"
        shutil.rmtree(out, ignore_errors=True)
        print("  baseline: DuckDB read + zstd write of data/staged", flush=True)
        m = run_measured(
            [sys.executable, str(HERE / "baseline.py"), str(staged), str(out),
             "--memory-limit", limits[0], "--threads", str(limits[1]),
             "--temp", str(project / "tmp" / "duckdb" / "baseline")],
            project,
        ).check("baseline")  # fmt: skip
        result["baseline"] = {**_figures(m), "rows": json.loads(m.stdout)}
        result["baseline"]["bytes"] = sum(p.stat().st_size for p in out.glob("*.parquet"))
        shutil.rmtree(out, ignore_errors=True)
    return result


def _next_release(params: Path) -> None:
    """Changed labels make a new release: raise ``release.version``'s minor (a release is
    never overwritten, so the repro would otherwise stop at the release stage)."""
    doc = yaml.safe_load(params.read_text(encoding="utf-8")) or {}
    section = doc.get("release")
    if isinstance(section, dict) and isinstance(section.get("version"), str):
        major, minor, _patch = section["version"].split(".")
        section["version"] = f"{major}.{int(minor) + 1}.0"
        params.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def incremental(
    project: Path,
    changed_raw: Callable[[], Path] | None,
    out: dict[str, Any] | None = None,
    save: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """DVC's own costs after the stages ran: commit, a no-op repro, a repro after a change
    (``changed_raw`` makes the changed exports). Figures go into ``out``, and ``save`` is called
    once the no-op figures are in, before the long part."""
    out = {} if out is None else out
    print("  dvc commit", flush=True)
    out["dvc_commit"] = _figures(run_measured(["dvc", "commit", "-f", "-q"], project))
    noop = []
    for _ in range(3):
        m = run_measured(["dvc", "repro"], project)
        noop.append({**_figures(m), "up_to_date": "up to date" in m.stdout + m.stderr})
    out["noop_repro"] = {
        "runs": noop,
        "median_wall_s": statistics.median(r["wall_s"] for r in noop),
    }
    print(f"  no-op dvc repro: {out['noop_repro']['median_wall_s']:.2f} s", flush=True)
    if save is not None:
        save()
    if changed_raw is not None:
        folder = changed_raw()
        shutil.rmtree(project / RAW)
        shutil.copytree(folder, project / RAW, copy_function=os.link)
        _next_release(project / "params.yaml")
        print("  dvc repro after 1 % of the labels changed", flush=True)
        m = run_measured(["dvc", "repro"], project)
        out["changed_repro"] = _figures(m)
        if m.returncode:
            print(f"  failed:\n{m.stderr[-3000:]}", flush=True)
    return out


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def summarise(runs: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
    """Medians per stage and in total, and their ratios to the baseline's medians."""
    done = [
        n for n in names if all(n in r["stages"] and not r["stages"][n]["returncode"] for r in runs)
    ]
    med: dict[str, dict[str, float]] = {}
    for n in done:
        med[n] = {k: _median([r["stages"][n] for r in runs], k) for k in METRICS}
    if done:
        med["total"] = {
            "wall_s": sum(med[n]["wall_s"] for n in done),
            "cpu_s": sum(med[n]["cpu_s"] for n in done),
            "maxrss_mb": max(med[n]["maxrss_mb"] for n in done),
            "tree_rss_mb": max(med[n]["tree_rss_mb"] for n in done),
        }
    out: dict[str, Any] = {"stages": done, "median": med}
    if all("baseline" in r for r in runs):
        base = {k: _median([r["baseline"] for r in runs], k) for k in METRICS}
        out["baseline"] = base
        out["ratio"] = {
            n: {k: round(v[k] / base[k], 2) for k in METRICS if base[k]} for n, v in med.items()
        }
    return out


def pull_counts(project: Path) -> dict[str, Any] | None:
    path = project / "reports" / "pull.json"
    return json.loads(path.read_text()) if path.exists() else None


def bench(
    labels: int, *, repeat: int, seed: int, work: Path, with_incremental: bool,
    memory_limit: str, threads: int, save: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The benchmark at one size; the results document."""
    shared = load_file("bench_run_shared", BENCH / "run.py")
    work.mkdir(parents=True, exist_ok=True)
    raw, stats = ensure_raw(work, labels, seed, 0.0)
    project = work / f"project-{labels}"
    cmds = {n: str(s.get("cmd", "")) for n, s in stages(ROOT / "dvc.yaml")}
    runs = []
    names: list[str] = []
    for i in range(repeat):
        print(f"{labels:,} labels, run {i + 1}/{repeat}", flush=True)
        names = make_project(project, raw, memory_limit, threads)
        runs.append(run_once(project, names, cmds, (memory_limit, threads)))
        if runs[-1]["failed"]:
            break
    doc: dict[str, Any] = {
        "benchmark": "e2e",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "labels": labels,
        "seed": seed,
        "settings": {"duckdb_memory_limit": memory_limit, "duckdb_threads": threads},
        "machine": shared.machine(),
        "code": shared.package_source(),
        "generated": stats,
        "generated_changed": None,
        "stages_in_dvc_yaml": names,
        "runs": runs,
        "summary": summarise(runs, names),
        "pull_counts": pull_counts(project),
    }
    if with_incremental and not runs[-1]["failed"]:
        if save is not None:  # the full runs are kept even if the incremental part never ends
            save(doc)

        def changed() -> Path:  # generated only when needed, so the full runs start at once
            folder, stats = ensure_raw(work, labels, seed, 0.01)
            doc["generated_changed"] = stats
            return folder

        doc["incremental"] = {}
        incremental(project, changed, doc["incremental"], (lambda: save(doc)) if save else None)
    return doc


# --- targets and scaling -------------------------------------------------------------------------

TARGETS = {"cpu_ratio": 8.0, "peak_mb": 4096.0, "peak_vs_smaller": 2.0, "noop_repro_s": 5.0}
"""Issue 8's targets: the whole pipeline within 8x of the baseline (CPU time: wall time on a
shared machine is noise), peak memory under 4 GB and under 2x the peak at a smaller size, a no-op
``dvc repro`` under 5 s."""


def scaling(doc: dict[str, Any], smaller: dict[str, Any] | None) -> dict[str, Any] | None:
    """Peak memory per stage and in total against the run at a smaller size."""
    if smaller is None:
        return None
    mine, theirs = doc["summary"].get("median", {}), smaller["summary"].get("median", {})
    out: dict[str, Any] = {"vs_labels": smaller["labels"], "labels_ratio": 0.0, "stages": {}}
    out["labels_ratio"] = round(doc["labels"] / smaller["labels"], 2)
    for name in mine:
        if name in theirs:
            out["stages"][name] = {
                k: round(mine[name][k] / theirs[name][k], 2)
                for k in ("maxrss_mb", "tree_rss_mb", "cpu_s", "wall_s")
                if theirs[name][k]
            }
    return out


def targets(doc: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue 8: the figure, the bound and whether it is met (None: not measured)."""
    s = doc["summary"]
    total = s.get("median", {}).get("total")
    ratio = s.get("ratio", {}).get("total", {})
    scale = (doc.get("memory_scaling") or {}).get("stages", {}).get("total", {})
    noop = (doc.get("incremental") or {}).get("noop_repro", {}).get("median_wall_s")

    def row(figure: float | None, bound: float) -> dict[str, Any]:
        return {"figure": figure, "bound": bound, "met": None if figure is None else figure < bound}

    return {
        "pipeline_cpu_vs_baseline": row(ratio.get("cpu_s"), TARGETS["cpu_ratio"]),
        "pipeline_wall_vs_baseline": row(ratio.get("wall_s"), TARGETS["cpu_ratio"]),
        "peak_tree_mb": row(total["tree_rss_mb"] if total else None, TARGETS["peak_mb"]),
        "peak_vs_smaller": row(scale.get("tree_rss_mb"), TARGETS["peak_vs_smaller"]),
        "noop_repro_s": row(noop, TARGETS["noop_repro_s"]),
    }


def smaller_run(results: Path, labels: int) -> dict[str, Any] | None:
    """The results document of the largest size below ``labels`` (the 1M run for 10M)."""
    found = []
    for path in results.glob("e2e-*.json"):
        size = path.stem.removeprefix("e2e-")
        if size.isdigit() and int(size) < labels:
            found.append((int(size), path))
    if not found:
        return None
    doc: dict[str, Any] = json.loads(max(found)[1].read_text(encoding="utf-8"))
    return doc if doc.get("summary", {}).get("median") else None


def annotate(doc: dict[str, Any], results: Path) -> dict[str, Any]:
    """``doc`` with its memory scaling against the next smaller size and its targets."""
    doc["memory_scaling"] = scaling(doc, smaller_run(results, doc["labels"]))
    doc["targets"] = targets(doc)
    return doc


# --- report --------------------------------------------------------------------------------------


def table(doc: dict[str, Any], previous: dict[str, Any] | None = None) -> str:
    """The figures as a Markdown table (and the previous run's CPU time where there is one)."""
    s = doc["summary"]
    prev = (previous or {}).get("summary", {}).get("median", {})
    lines = [
        f"{doc['labels']:,} labels, {len(doc['runs'])} run(s), medians",
        "",
        "| stage | wall s | CPU s | peak MB (largest process) | peak MB (tree) | wall / base | "
        "CPU / base | memory / base | CPU s before |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [*s["stages"], "total"] if s["stages"] else []
    for n in rows:
        m, r = s["median"][n], s.get("ratio", {}).get(n, {})
        before = f"{prev[n]['cpu_s']:.1f}" if n in prev else ""
        lines.append(
            f"| {n} | {m['wall_s']:.1f} | {m['cpu_s']:.1f} | {m['maxrss_mb']:,.0f} | "
            f"{m['tree_rss_mb']:,.0f} | {r.get('wall_s', 0):.2f}x | {r.get('cpu_s', 0):.2f}x | "
            f"{r.get('maxrss_mb', 0):.2f}x | {before} |"
        )
    if "baseline" in s:
        b = s["baseline"]
        lines.append(
            f"| baseline | {b['wall_s']:.1f} | {b['cpu_s']:.1f} | {b['maxrss_mb']:,.0f} | "
            f"{b['tree_rss_mb']:,.0f} | 1x | 1x | 1x | |"
        )
    scale = doc.get("memory_scaling")
    if scale:
        lines.append("")
        lines.append(
            f"peak memory vs {scale['vs_labels']:,} labels ({scale['labels_ratio']:g}x the "
            "labels): " + ", ".join(
                f"{n} {v.get('tree_rss_mb', 0):.2f}x" for n, v in scale["stages"].items()
            )
        )  # fmt: skip
    inc = doc.get("incremental")
    if inc:
        lines.append("")
        lines.append(
            f"dvc commit {inc['dvc_commit']['wall_s']:.1f} s; no-op dvc repro "
            f"{inc['noop_repro']['median_wall_s']:.2f} s (median of 3)"
        )
        if "changed_repro" in inc:
            c = inc["changed_repro"]
            lines.append(
                f"dvc repro after 1 % of the labels changed: {c['wall_s']:.1f} s wall, "
                f"{c['cpu_s']:.1f} s CPU, peak {c['maxrss_mb']:,.0f} MB (exit {c['returncode']})"
            )
    if doc.get("targets"):
        lines.append("")
        for name, t in doc["targets"].items():
            verdict = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
            figure = "-" if t["figure"] is None else f"{t['figure']:,.2f}"
            lines.append(f"target {name}: {figure} < {t['bound']:g}: {verdict}")
    failed = [r["failed"] for r in doc["runs"] if r["failed"]]
    if failed:
        lines.append(f"\nFAILED: stage {failed[0]} (stderr in the results JSON)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--labels", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=BENCH / "out" / "e2e")
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    parser.add_argument("--memory-limit", default="1GB", help="duckdb_memory_limit of every stage")
    parser.add_argument("--threads", type=int, default=2, help="duckdb_threads of every stage")
    parser.add_argument(
        "--no-incremental", dest="incremental", action="store_false",
        help="skip dvc commit, the no-op repro and the repro after a 1 %% change",
    )  # fmt: skip
    parser.add_argument(
        "--annotate-only", action="store_true",
        help="run nothing: add memory scaling and targets to the existing results of --labels",
    )  # fmt: skip
    args = parser.parse_args(argv)
    args.work = args.work.resolve()  # the commands run in the project, not here
    if args.annotate_only:
        for labels in args.labels:
            path = args.results / f"e2e-{labels}.json"
            doc = annotate(json.loads(path.read_text(encoding="utf-8")), args.results)
            path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            print(table(doc))
        return 0
    failed = False
    for labels in args.labels:
        path = args.results / f"e2e-{labels}.json"
        previous = json.loads(path.read_text()) if path.exists() else None
        args.results.mkdir(parents=True, exist_ok=True)

        def save(doc: dict[str, Any], path: Path = path) -> None:
            annotate(doc, args.results)
            path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

        doc = bench(
            labels, repeat=args.repeat, seed=args.seed, work=args.work,
            with_incremental=args.incremental, memory_limit=args.memory_limit,
            threads=args.threads, save=save,
        )  # fmt: skip
        save(doc)
        print()
        print(table(doc, previous))
        print(f"\nresults: {path}")
        failed = failed or any(r["failed"] for r in doc["runs"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
