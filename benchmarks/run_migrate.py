"""Migrate benchmark: ``labelrelease migrate`` through a chain of 5 migrations beside a plain
DuckDB read + zstd write of the same tables (``baseline_migrate.py``), in the same run.

Canonical tables come from ``canonical.py`` (generated once per size into ``benchmarks/out/``);
every label is at guideline 0.9 or 1.0, so the whole chain applies to all of them. The chain:
rename a class, merge two, split one (relabel queue), add an attribute to every label, and a
caption length rule (filter). Runs alternate and each is measured over its process tree
(``procstats.py``); the data is generated in a child process, so that this one stays small
(``runner_maxrss_mb``, kept in the results, is a floor under every child's ``maxrss_mb``).
Results go to ``benchmarks/results/migrate.json``,
one entry per size (a run replaces only the sizes it measured).

    python benchmarks/run_migrate.py --labels 1000000 --repeat 3
    python benchmarks/run_migrate.py --labels 10000000 --repeat 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from procstats import measure
from run import machine, package_source, spread

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHAIN = [
    ("rename_class", "[{op: rename_class, from: Bicycle, to: Cycle}]", "[class]"),
    ("merge_classes", "[{op: merge_classes, from: [Bus, Truck], to: Vehicle}]", "[class]"),
    ("split_class", "[{op: split_class, class: Car, into: [Car, Van], policy: relabel}]",
     "[class]"),
    ("add_field", "[{op: add_field, field: attributes.occluded, default: false}]",
     "[attributes.occluded]"),
    ("text_rule", "[{op: text_rule, classes: [caption], max_length: 36, policy: filter}]", "[]"),
]  # fmt: skip
METRICS = ("wall_s", "cpu_s", "maxrss_mb", "tree_rss_mb")


def project(work: Path, memory_limit: str) -> Path:
    """A project folder with the 5-migration chain, a contract at its head and params."""
    proj = work / "migrate-project"
    shutil.rmtree(proj, ignore_errors=True)
    (proj / "migrations").mkdir(parents=True)
    parent = "null"
    for i, (name, ops, fields) in enumerate(CHAIN, 1):
        mid = f"{i:04d}_{name}"
        (proj / "migrations" / f"{mid}.yaml").write_text(
            f"id: {mid}\nrevises: {parent}\nmessage: benchmark {name}\n"
            f'guideline_version: "1.{i}"\nfields: {fields}\noperations: {ops}\n'
        )
        parent = mid
    contract = yaml.safe_load((ROOT / "pipelines" / "contract.yaml").read_text())
    contract["guideline_version"] = f"1.{len(CHAIN)}"
    contract["taxonomy"]["classes"]["Cycle"] = {"parent": "Vehicle"}
    (proj / "contract.yaml").write_text(yaml.safe_dump(contract, sort_keys=False))
    (proj / "params.yaml").write_text(
        "migrate:\n  contract: contract.yaml\n  migrations: migrations\n"
        f"  duckdb_memory_limit: {memory_limit}\n  duckdb_threads: 2\n"
    )
    return proj


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit of both")
    parser.add_argument("--work", type=Path, default=HERE / "out")
    parser.add_argument("--results", type=Path, default=HERE / "results" / "migrate.json")
    args = parser.parse_args()
    proj = project(args.work, args.memory_limit)
    cli = str(Path(sys.executable).parent / "labelrelease")
    sizes = []
    for n in args.labels:
        staged = args.work / f"canonical-{n}"
        if not (staged / "quarantine.parquet").exists():  # written last
            # in a child process: a program started from this one inherits its peak RSS as
            # its own starting maxrss (Linux), so this process must stay small
            subprocess.run([sys.executable, str(HERE / "canonical.py"), "--labels", str(n),
                            "--out", str(staged)], check=True)  # fmt: skip
        runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "migrate": []}
        for _ in range(args.repeat):
            out = args.work / "migrate-out"
            shutil.rmtree(out, ignore_errors=True)
            base = measure([sys.executable, str(HERE / "baseline_migrate.py"), "--staged",
                            str(staged), "--out", str(out), "--memory-limit",
                            args.memory_limit]).check("baseline")  # fmt: skip
            runs["baseline"].append(asdict(base) | {"stdout": "", "stderr": ""})
            shutil.rmtree(out, ignore_errors=True)
            m = measure([cli, "migrate", "--staged", str(staged), "--out", str(out)],
                        cwd=proj).check("labelrelease migrate")  # fmt: skip
            report = json.loads((out / "migrate.json").read_text())
            runs["migrate"].append(asdict(m) | {"stdout": "", "stderr": "", "report": report})
            print(f"{n:>10} baseline cpu {base.cpu_s:.1f}s  migrate cpu {m.cpu_s:.1f}s "
                  f"wall {m.wall_s:.1f}s rss {m.maxrss_mb:.0f}MB", flush=True)  # fmt: skip
        summary = {p: {k: spread([r[k] for r in rs]) for k in METRICS} for p, rs in runs.items()}
        ratio = {k: summary["migrate"][k]["median"] / summary["baseline"][k]["median"]
                 for k in ("wall_s", "cpu_s")}  # fmt: skip
        runner_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sizes.append({"labels": n, "runs": args.repeat, "date": now(), "machine": machine(),
                      "memory_limit": args.memory_limit, "runner_maxrss_mb": runner_mb,
                      "source": package_source(),
                      "summary": summary,
                      "ratio_to_baseline": ratio,
                      "last_report": runs["migrate"][-1]["report"]})  # fmt: skip
        print(json.dumps({"labels": n, "ratio": ratio}, indent=1))
        save(args.results, sizes)  # after each size: a later failure keeps what was measured


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def save(results: Path, sizes: list[dict[str, Any]]) -> None:
    """Write ``sizes`` into the results file, keeping the sizes of earlier runs not re-measured
    (a 10M run does not erase the 1M figures); written to a temp file, then renamed."""
    kept: list[dict[str, Any]] = []
    if results.exists():
        old = json.loads(results.read_text())
        for s in old.get("sizes", []):  # older files kept date/machine at the top level only
            kept.append({"date": old.get("date"), "machine": old.get("machine"),
                         "memory_limit": old.get("memory_limit")} | s)  # fmt: skip
    new = {s["labels"] for s in sizes}
    merged = sorted([s for s in kept if s["labels"] not in new] + sizes, key=lambda s: s["labels"])
    results.parent.mkdir(parents=True, exist_ok=True)
    tmp = results.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"date": now(), "chain": [c[0] for c in CHAIN],
                               "sizes": merged}, indent=2) + "\n")  # fmt: skip
    tmp.replace(results)


if __name__ == "__main__":
    main()
