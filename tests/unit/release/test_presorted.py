"""Skipping the sort of input that is already sorted by key: the write checks every key as it
goes and gives up at the first one out of order, so the caller sorts; the bytes are those of
the sorted write either way."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from labelrelease.release.files import ROW_GROUP, write_query
from labelrelease.release.tables import bundle_views, write_tables

SCHEMA = pa.schema([pa.field("k", pa.string(), nullable=False), pa.field("v", pa.int64())])
KEYS = {t: t[:-1] + "_id" for t in ("items", "assets", "annotations", "labels", "links")}
ROWS = 2 * ROW_GROUP + 1000  # three row groups: the check must hold across batches


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(config={"threads": 2})
    c.execute("SET preserve_insertion_order = true")
    c.execute(
        "CREATE TABLE sorted_t AS SELECT printf('k%09d', i) AS k, i AS v FROM range($n) t(i)",
        {"n": ROWS},
    )
    return c


def test_sorted_input_is_written_without_a_sort(con: duckdb.DuckDBPyConnection, tmp_path: Path):
    fast = write_query(con, "SELECT * FROM sorted_t", None, SCHEMA, tmp_path / "a", increasing="k")
    slow = write_query(con, "SELECT * FROM sorted_t ORDER BY k", None, SCHEMA, tmp_path / "b")
    assert fast == slow == ROWS
    assert _sha(tmp_path / "a") == _sha(tmp_path / "b")


@pytest.mark.parametrize(
    "bad",
    [
        # two keys swapped across the first row-group boundary
        f"SELECT CASE v WHEN {ROW_GROUP - 1} THEN 'k999999999' ELSE k END AS k, v FROM sorted_t",
        # a key out of order inside a batch
        "SELECT CASE v WHEN 5 THEN 'k000000000' ELSE k END AS k, v FROM sorted_t",
        # a duplicate key (not strictly increasing)
        "SELECT CASE v WHEN 7 THEN 'k000000006' ELSE k END AS k, v FROM sorted_t",
    ],
)
def test_a_key_out_of_order_gives_up(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, bad: str
) -> None:
    assert write_query(con, bad, None, SCHEMA, tmp_path / "a", increasing="k") is None


def _views(con: duckdb.DuckDBPyConnection, tables: Path) -> None:
    for t in ("items", "assets", "annotations", "labels", "links"):
        con.execute(
            f"CREATE TEMP VIEW new_{t} AS SELECT * FROM read_parquet('{tables / t}.parquet')"
        )
    con.execute("CREATE TEMP TABLE policy (label_id VARCHAR, policy VARCHAR, migration_id VARCHAR)")


def test_write_tables_sorts_shuffled_input_to_the_same_bytes(tmp_path: Path) -> None:
    from benchmarks.canonical import generate

    tables = tmp_path / "in"
    generate(tables, 3000, 3)
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    con = duckdb.connect(config={"threads": 2})
    for t in ("items", "assets", "annotations", "labels", "links"):
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{tables / t}.parquet') ORDER BY md5({KEYS[t]})) "
            f"TO '{shuffled / t}.parquet' (FORMAT parquet)"
        )
    split = {"ratios": {"train": 0.8, "val": 0.1, "test": 0.1}, "group": None}
    found = {}
    for name, folder in (("sorted", tables), ("shuffled", shuffled)):
        con = duckdb.connect(config={"threads": 2})
        con.execute("SET preserve_insertion_order = true")
        _views(con, folder)
        plain = bundle_views(con, split, False)
        assert plain == {"assets", "annotations", "labels", "links"}  # no relabel queue
        out = tmp_path / f"out-{name}"
        out.mkdir()
        rows, presorted = write_tables(con, out, plain)
        found[name] = ({f.name: _sha(f) for f in out.iterdir()}, rows, presorted)
    assert found["sorted"][0] == found["shuffled"][0]  # same bytes
    assert found["sorted"][1] == found["shuffled"][1]
    assert sorted(found["sorted"][2]) == ["annotations", "assets", "labels", "links"]
    assert found["shuffled"][2] == []  # every table was sorted after the check gave up
