"""Benchmark of ``labelrelease release`` beside its baseline, in the same run.

For each size: canonical tables are generated (``canonical.py``), a first release 1.0.0 is cut
(not timed), then 1 % of the labels are changed (a box moved, a text edited) and release 1.0.1
is timed: gates, five sorted tables, the typed diff against 1.0.0 (10M labels each side at
10M), Croissant, change log, re-hash and verify. The baseline (``baseline_release.py``) scans
the same five tables with DuckDB and writes them as zstd Parquet. Both run as separate
processes measured by ``procstats.py`` (CPU of the process tree, peak RSS).

    nice python benchmarks/run_release.py --labels 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from procstats import Measurement, measure  # noqa: E402

PARAMS = """release:
  in: data/migrated
  out: data/releases
  date: '2026-12-01'
  tag: false
  duckdb_memory_limit: 2GB
  duckdb_threads: 2
"""


def change_one_percent(migrated: Path) -> int:
    """Move the box of 1 % of the labels by 10 px (others: edit the text); returns how many."""
    con = duckdb.connect(config={"threads": 2})
    path = migrated / "labels.parquet"
    tmp = migrated / "labels.next.parquet"
    con.execute(
        f"COPY (SELECT * REPLACE (CASE WHEN hash(label_id) % 100 = 0 AND x IS NOT NULL "
        f"THEN x + 10 ELSE x END AS x, CASE WHEN hash(label_id) % 100 = 0 AND x IS NULL "
        f"AND text IS NOT NULL THEN text || ' (fixed)' ELSE text END AS text) "
        f"FROM read_parquet('{path}') ORDER BY label_id) TO '{tmp}' "
        "(FORMAT parquet, COMPRESSION zstd)"
    )
    row = con.execute(f"SELECT count(*) FROM read_parquet('{path}') WHERE hash(label_id) % 100 = 0"
                      ).fetchall()  # fmt: skip
    tmp.replace(path)
    return int(row[0][0])


def prepare(work: Path, labels: int) -> Path:
    """A project with release 1.0.0 of ``labels`` labels and 1 % of them changed since."""
    root = work / f"project-{labels}"
    if root.exists():
        shutil.rmtree(root)
    (root / "data").mkdir(parents=True)
    (root / "params.yaml").write_text(PARAMS)
    migrated = str(root / "data" / "migrated")
    # separate processes: the measuring process stays small (a child's peak RSS can start
    # from its parent's)
    gen = [sys.executable, str(HERE / "canonical.py"), "--labels", str(labels), "--out", migrated]
    measure(gen).check("canonical.py")
    cmd = [sys.executable, "-m", "labelrelease", "release", "--version", "1.0.0"]
    measure(cmd, cwd=root).check("release 1.0.0")
    measure([sys.executable, __file__, "--change", migrated]).check("change 1 %")
    return root


def run_release(root: Path) -> Measurement:
    shutil.rmtree(root / "data" / "releases" / "1.0.1", ignore_errors=True)
    (root / "CHANGELOG.md").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "labelrelease", "release", "--version", "1.0.1"]
    return measure(cmd, cwd=root).check("release 1.0.1")


def run_baseline(root: Path) -> Measurement:
    out = root / "baseline-out"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, str(HERE / "baseline_release.py"), str(root / "data" / "migrated"),
           str(out)]  # fmt: skip
    return measure(cmd).check("baseline")


def bench(labels: int, repeat: int, work: Path) -> dict[str, Any]:
    root = prepare(work, labels)
    runs: dict[str, list[Measurement]] = {"baseline": [], "release": []}
    for _ in range(repeat):
        runs["baseline"].append(run_baseline(root))
        runs["release"].append(run_release(root))
    changes = pq.read_metadata(root / "data/releases/1.0.1/changes.parquet").num_rows
    doc: dict[str, Any] = {"labels": labels, "repeat": repeat, "changed_rows": changes}
    for name, ms in runs.items():
        doc[name] = {
            "cpu_s": statistics.median(m.cpu_s for m in ms),
            "wall_s": statistics.median(m.wall_s for m in ms),
            "maxrss_mb": statistics.median(m.maxrss_mb for m in ms),
            "tree_rss_mb": statistics.median(m.tree_rss_mb for m in ms),
            "runs_cpu_s": [m.cpu_s for m in ms],
        }
    doc["cpu_ratio"] = doc["release"]["cpu_s"] / doc["baseline"]["cpu_s"]
    doc["wall_ratio"] = doc["release"]["wall_s"] / doc["baseline"]["wall_s"]
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "out" / "release")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--change", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.change:
        change_one_percent(args.change)
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    docs = [bench(n, args.repeat, args.work) for n in args.labels]
    text = json.dumps(docs, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
