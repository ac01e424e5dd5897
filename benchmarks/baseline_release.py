"""Baseline of the release benchmark: a plain DuckDB scan of the five canonical tables and a
zstd Parquet write of each (no sorting, no diff, no hashing).

    python benchmarks/baseline_release.py IN_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def main() -> int:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 2})
    con.execute("SET memory_limit = '2GB'")
    for table in ("items", "assets", "annotations", "labels", "links"):
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{src / table}.parquet')) "
            f"TO '{out / table}.parquet' (FORMAT parquet, COMPRESSION zstd)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
