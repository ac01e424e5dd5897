"""Baseline of the QA benchmark: a plain DuckDB scan of the five canonical tables and a zstd
Parquet write of the same rows (no sampling, no matching). Prints its times as JSON.

    python benchmarks/baseline_qa.py IN_DIR --out OUT_DIR
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb

TABLES = ("items", "assets", "annotations", "labels", "links")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inp", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--memory-limit", default="1GB")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 2})
    con.execute("SET memory_limit = ?", [args.memory_limit])
    times = {}
    for table in TABLES:
        start = time.perf_counter()
        src = str(args.inp / f"{table}.parquet")
        dst = str(args.out / f"{table}.parquet")
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{src}')) TO '{dst}' "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        times[table] = round(time.perf_counter() - start, 3)
    print(json.dumps({"stages_s": times}))


if __name__ == "__main__":
    main()
