"""QA benchmark: ``labelrelease qa`` (sample, matching, disagreement, alpha, gold, pre-label
signals, reports) beside a plain DuckDB scan + zstd write of the same tables, in the same run.

Canonical tables are generated once per size and shape with ``canonical.py``: ``--shape
issue`` (the default; the issue's target: 1M items at 10M labels, 2 passes per item, the second
a realistic perturbed copy of the first) or ``--shape three-pass`` (10 labels per item over two
human passes and one model pass, each drawn on its own, so the passes hardly agree). Each
program runs as a child process measured over its process tree (``procstats.py``); programs
alternate within each repeat. The schema
validity figure uses a ``failures.parquet`` as ``check`` leaves it (here: empty), so the run
measures QA itself rather than the row contract. Results go to ``benchmarks/results/qa.json``,
one entry per (labels, shape).

    python benchmarks/run_qa.py --labels 1000000 --repeat 3
    python benchmarks/run_qa.py --labels 10000000 --repeat 1
    python benchmarks/run_qa.py --labels 1000000 --shape three-pass
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from canonical import SHAPES, generate
from procstats import Measurement, measure
from run import machine, package_source, pull_cli, spread

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = HERE / "out"
DEFAULT_RESULTS = HERE / "results" / "qa.json"
PROGRAMS = ("baseline", "qa")
METRICS = ("wall_s", "cpu_s", "maxrss_mb", "tree_rss_mb")

PARAMS = """\
qa:
  in: {inp}
  out: {out}/qa
  report: {out}/qa.json
  report_dir: {out}/qa-tables
  failures: {failures}
  releases: {out}/releases
  reviews: {out}/reviews
  gates: {{}}
  duckdb_memory_limit: {memory_limit}
  duckdb_threads: 2
"""


def ensure_tables(work: Path, labels: int, shape: str) -> tuple[Path, float | None]:
    """Canonical tables of ``labels`` labels of ``shape``, generated once (the three-pass
    folder is the one the other stage benchmarks share), and the seconds generating them took
    (None: they were there)."""
    folder = work / (
        f"canonical-{labels}" if shape == "three-pass" else f"canonical-{shape}-{labels}"
    )
    seconds = None
    if not (folder / "links.parquet").exists():
        start = time.perf_counter()
        generate(folder, labels, 7, shape)
        seconds = round(time.perf_counter() - start, 2)
        print(f"  generated {shape} tables of {labels:,} labels in {seconds:.1f} s", flush=True)
    failures = folder / "failures.parquet"
    if not failures.exists() or "record_id" not in pq.read_schema(failures).names:
        # an empty failures file in the shape `labelrelease check` writes
        cols = ("expectation", "suite", "figure", "table", "record_id", "source_ref", "value")
        pq.write_table(pa.table({c: pa.array([], pa.string()) for c in cols}), failures)
    return folder, seconds


def run_once(program: str, inp: Path, out: Path, memory_limit: str) -> Measurement:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if program == "baseline":
        cmd = [sys.executable, str(HERE / "baseline_qa.py"), str(inp), "--out", str(out)]
        return measure(cmd).check("baseline_qa.py")
    params = out / "params.yaml"
    params.write_text(
        PARAMS.format(
            inp=inp, out=out, failures=inp / "failures.parquet", memory_limit=memory_limit
        )
    )
    cmd = [str(pull_cli()), "qa", "--params", str(params)]
    return measure(cmd, cwd=out).check("labelrelease qa")


def bench_size(
    work: Path, labels: int, repeat: int, shape: str, memory_limit: str = "1GB"
) -> dict[str, Any]:
    inp, generate_s = ensure_tables(work, labels, shape)
    runs: dict[str, list[dict[str, Any]]] = {p: [] for p in PROGRAMS}
    for i in range(repeat):
        for program in PROGRAMS if i % 2 == 0 else tuple(reversed(PROGRAMS)):
            out = work / "runs" / f"qa-{program}-{shape}-{labels}"
            m = run_once(program, inp, out, memory_limit)
            row = {k: v for k, v in asdict(m).items() if k not in ("stdout", "stderr")}
            runs[program].append(row)
            print(f"  {labels:>11,} {program:<9} run {i + 1}: {row['wall_s']:7.2f} s wall "
                  f"{row['cpu_s']:7.2f} s cpu {row['maxrss_mb']:6.0f} MB", flush=True)  # fmt: skip
    summary: dict[str, Any] = {
        p: {k: spread([r[k] for r in rows]) for k in METRICS} for p, rows in runs.items()
    }
    summary["ratio_qa_to_baseline"] = {
        k: summary["qa"][k]["median"] / summary["baseline"][k]["median"] for k in METRICS
    }
    report = work / "runs" / f"qa-qa-{shape}-{labels}" / "qa.json"
    headline = json.loads(report.read_text()) if report.exists() else {}
    overall = headline.get("disagreement", {}).get("overall", {})
    return {"labels": labels, "shape": shape, "memory_limit": memory_limit,
            "generate_s": generate_s, "runs": runs,
            "summary": summary,
            "sample_items": headline.get("sample", {}).get("items"),
            "pairs": headline.get("pairs"),
            # what QA found: units compared, matched, and the disagreement counts by type
            "units": overall.get("units"), "matched": overall.get("matched"),
            "disagreements": overall.get("counts")}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--json", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--shape", choices=SHAPES, default="issue")
    parser.add_argument(
        "--memory-limit", default="1GB", help="qa's duckdb_memory_limit (default 1GB)"
    )
    args = parser.parse_args()
    sizes = [
        bench_size(args.work, n, args.repeat, args.shape, args.memory_limit) for n in args.labels
    ]
    doc = {
        "benchmark": "qa",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "labelrelease_source": package_source(),
        "repeat": args.repeat,
        "sizes": sizes,
    }
    run_of = {k: doc[k] for k in ("date", "labelrelease_source", "repeat")}
    for s in sizes:
        s.update(run_of)  # each entry says which run and code it comes from
    previous = json.loads(args.json.read_text()) if args.json.exists() else {}
    for s in previous.get("sizes", []):  # entries written before the shapes and these fields
        s.setdefault("shape", "three-pass")
        s.setdefault("repeat", len(s["runs"]["qa"]))  # their run and code: README.md
        s.setdefault("memory_limit", "1GB")
    done = {(s["labels"], s["shape"], s["memory_limit"]) for s in sizes}
    kept = [
        s
        for s in previous.get("sizes", [])
        if (s["labels"], s["shape"], s["memory_limit"]) not in done
    ]
    doc["sizes"] = sorted(kept + sizes, key=lambda s: (s["shape"], s["labels"], s["memory_limit"]))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    for s in sizes:
        r = s["summary"]["ratio_qa_to_baseline"]
        print(
            f"{s['labels']:,} labels ({s['shape']}, {s['memory_limit']}): qa/baseline CPU "
            f"{r['cpu_s']:.2f}x, wall {r['wall_s']:.2f}x; "
            f"qa peak {s['summary']['qa']['maxrss_mb']['median']:.0f} MB"
        )


if __name__ == "__main__":
    main()
