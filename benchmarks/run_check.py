"""Benchmark ``labelrelease check`` beside a plain DuckDB scan + zstd write of the same tables.

Data: ``canonical.py`` (canonical tables at any size, in DuckDB). Programs, each a child process
measured over its process tree (``procstats.py``), alternating within each repeat:

- ``baseline``: DuckDB reads every column of the five tables and writes them back as zstd
  Parquet (the least any stage that reads everything must do);
- ``check``: the real CLI (row contract on Arrow batches + every suite in ``expectations/``);
- ``ge_pandas`` (``--ge`` only; slow): Great Expectations 1.x validating the column-level
  expectations of the suites on pandas dataframes of the same tables (GE's own execution; GE
  runs ``unexpected_rows_expectation`` only on SQL datasources, so those are not in it);
- ``columns_duckdb`` (``--ge`` only): our DuckDB evaluator on exactly those column-level
  expectations, the like-for-like partner of ``ge_pandas``.

    python benchmarks/run_check.py --labels 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from procstats import measure
from run import machine, package_source, pull_cli, spread

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TABLES = ("items", "assets", "annotations", "labels", "links")
METRICS = ("wall_s", "cpu_s", "maxrss_mb", "tree_rss_mb")


def ensure_tables(work: Path, labels: int) -> Path:
    """Generate the tables once per size, in a child process: generating in this process would
    raise its RSS, which the measured children inherit as their peak at spawn."""
    folder = work / f"canonical-{labels}"
    if not (folder / "links.parquet").exists():
        cmd = [sys.executable, str(HERE / "canonical.py"), "--labels", str(labels),
               "--out", str(folder)]  # fmt: skip
        subprocess.run(cmd, check=True)
    return folder


def baseline(tables: Path, out: Path) -> None:
    """Scan all columns of every table and write them as zstd Parquet."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 2})
    con.execute("SET memory_limit = '2GB'")
    for t in TABLES:
        con.read_parquet(str(tables / f"{t}.parquet")).write_parquet(
            str(out / f"{t}.parquet"), compression="zstd"
        )


def ge_pandas(tables: Path) -> None:
    """GE's pandas execution of the suites' column-level expectations."""
    import great_expectations as gx
    import pyarrow.parquet as pq
    from great_expectations.expectations.registry import get_expectation_impl

    sys.path.insert(0, str(ROOT / "src"))
    from labelrelease.check.suites import COLUMN_MAP, UNIQUE, load_suites

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("bench")
    exps = [e for s in load_suites(ROOT / "expectations") for e in s.expectations]
    for table in TABLES:
        mine = [e for e in exps if e.table == table and e.type in (*COLUMN_MAP, UNIQUE)]
        if not mine:
            continue
        columns = sorted({e.kwargs["column"] for e in mine})
        frame = pq.read_table(tables / f"{table}.parquet", columns=columns).to_pandas()
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("all")
        validator = batch.get_batch(batch_parameters={"dataframe": frame})
        for e in mine:
            kwargs = {k: v for k, v in e.kwargs.items()}
            validator.validate(get_expectation_impl(e.type)(**kwargs))


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def columns_duckdb(tables: Path) -> None:
    """Our DuckDB evaluation of the same column-level expectations as ``ge_pandas``, alone
    (no row contract, no reports): the like-for-like partner of GE's pandas execution."""
    from dataclasses import replace

    sys.path.insert(0, str(ROOT / "src"))
    from labelrelease.check.context import DuckDBSettings, connect
    from labelrelease.check.evaluate import evaluate
    from labelrelease.check.suites import COLUMN_MAP, UNIQUE, load_suites
    from labelrelease.contract import load_contract

    suites = [
        replace(s, expectations=tuple(e for e in s.expectations if e.type in (*COLUMN_MAP, UNIQUE)))
        for s in load_suites(ROOT / "expectations")
    ]
    contract = load_contract(ROOT / "pipelines" / "contract.yaml")
    con = connect(tables, contract, DuckDBSettings())
    evaluate(con, suites)
    con.close()


def run_once(program: str, tables: Path, work: Path) -> dict[str, Any]:
    out = work / "runs" / program
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if program == "check":
        (out / "params.yaml").write_text("check:\n  duckdb_memory_limit: 2GB\n")
        cmd = [str(pull_cli()), "check", "--in", str(tables), "--out", str(out / "check"),
               "--report", str(out / "check.json"),
               "--contract", str(ROOT / "pipelines" / "contract.yaml"),
               "--expectations", str(ROOT / "expectations")]  # fmt: skip
        m = measure(cmd, cwd=out).check("labelrelease check")
    else:
        cmd = [sys.executable, __file__, f"--{program.replace('_', '-')}-only", str(tables),
               str(out)]  # fmt: skip
        m = measure(cmd).check(program)
    return {k: v for k, v in asdict(m).items() if k not in ("stdout", "stderr")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--labels", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ge", action="store_true", help="also run GE on pandas (slow)")
    ap.add_argument("--work", type=Path, default=HERE / "out" / "check")
    ap.add_argument("--results", type=Path, default=HERE / "results" / "check.json")
    ap.add_argument("--baseline-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--ge-pandas-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--columns-duckdb-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.baseline_only:
        baseline(*args.baseline_only)
        return 0
    if args.ge_pandas_only:
        ge_pandas(args.ge_pandas_only[0])
        return 0
    if args.columns_duckdb_only:
        columns_duckdb(args.columns_duckdb_only[0])
        return 0
    programs = ("baseline", "check", *(("ge_pandas", "columns_duckdb") if args.ge else ()))
    doc: dict[str, Any] = {
        "machine": machine(),
        "labelrelease_source": package_source(),
        "versions": {p: _version(p) for p in ("great_expectations", "pandera", "pandas")},
        "sizes": [],
    }
    for n in args.labels:
        tables = ensure_tables(args.work, n)
        runs: dict[str, list[dict[str, Any]]] = {p: [] for p in programs}
        for i in range(args.repeat):
            for p in programs if i % 2 == 0 else tuple(reversed(programs)):
                if p in ("ge_pandas", "columns_duckdb") and i > 0:
                    continue  # one run is enough to see the order of magnitude
                row = run_once(p, tables, args.work)
                runs[p].append(row)
                print(f"{n:>11,} {p:<10} {row['wall_s']:7.2f} s wall {row['cpu_s']:7.2f} s cpu "
                      f"{row['maxrss_mb']:6.0f} MB", flush=True)  # fmt: skip
        summary = {
            p: {k: spread([r[k] for r in rows]) for k in METRICS} for p, rows in runs.items()
        }
        for p in programs[1:]:
            summary[f"ratio_{p}_to_baseline"] = {
                k: summary[p][k]["median"] / summary["baseline"][k]["median"] for k in METRICS
            }
        if args.ge:
            summary["ratio_ge_pandas_to_columns_duckdb"] = {
                k: summary["ge_pandas"][k]["median"] / summary["columns_duckdb"][k]["median"]
                for k in METRICS
            }
        doc["sizes"].append({"labels": n, "runs": runs, "summary": summary})
        print(json.dumps({k: v for k, v in summary.items() if k.startswith("ratio")}, indent=1))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
