"""The end-to-end baseline: DuckDB reads the canonical tables once and writes them once as zstd
Parquet, the least any release of this data must do.

    python benchmarks/e2e/baseline.py data/staged OUT --memory-limit 1GB --threads 2
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

TABLES = ("items", "assets", "annotations", "labels", "links")
"""The canonical tables (quarantine is not one)."""


def run(src: Path, out: Path, memory_limit: str, threads: int, temp: Path) -> dict[str, int]:
    """Copy every canonical table of ``src`` to ``out`` as zstd Parquet; rows per table."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": threads})
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET temp_directory = ?", [str(temp)])
    con.execute("SET preserve_insertion_order = false")
    rows = {}
    for table in TABLES:
        source, target = src / f"{table}.parquet", out / f"{table}.parquet"
        # Paths are the benchmark's own; COPY takes no bound parameters for them.
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{source}')) TO '{target}' "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        rows[table] = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchall()[0][0]
    con.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--temp", type=Path, default=Path("duckdb-tmp"))
    args = parser.parse_args(argv)
    json.dump(run(args.src, args.out, args.memory_limit, args.threads, args.temp), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
