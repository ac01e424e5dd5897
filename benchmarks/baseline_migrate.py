"""Baseline for the migrate benchmark: a plain DuckDB read and zstd Parquet write of the tables
migrate rewrites (annotations, labels, links), with the same DuckDB settings.

    python benchmarks/baseline_migrate.py --staged benchmarks/out/canonical-1m --out /tmp/b
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staged", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": args.threads})
    con.execute("SET memory_limit = ?", [args.memory_limit])
    con.execute("SET temp_directory = ?", [str(args.out / "duckdb-tmp")])
    for table in ("annotations", "labels", "links"):
        src, dst = args.staged / f"{table}.parquet", args.out / f"{table}.parquet"
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{src}') ORDER BY 1) TO '{dst}' "
            "(FORMAT parquet, COMPRESSION zstd)"
        )


if __name__ == "__main__":
    main()
