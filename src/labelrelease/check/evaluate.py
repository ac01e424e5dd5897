"""Evaluate expectation suites in DuckDB and express the outcome as GE validation results.

Column-map expectations of one table are evaluated together in one scan; uniqueness by one
aggregate; ``unexpected_rows_expectation`` by its own query. Every failing row goes to the
``fails`` table (expectation, suite, figure, table, record_id, source_ref, value).
"""

from __future__ import annotations

from typing import Any

import duckdb

from labelrelease.check.suites import (
    COLUMN_MAP,
    ROW_COUNT,
    UNEXPECTED_ROWS,
    UNIQUE,
    Expectation,
    Suite,
)
from labelrelease.model.schema import primary_key
from labelrelease.model.sql import ident

PARTIAL = 20
"""Unexpected values kept in a result's ``partial_unexpected_list`` (as GE's default)."""

FAILS = """
CREATE TEMP TABLE IF NOT EXISTS fails (expectation VARCHAR, suite VARCHAR, figure VARCHAR,
  "table" VARCHAR, record_id VARCHAR, source_ref VARCHAR, value VARCHAR)
"""


def evaluate(con: duckdb.DuckDBPyConnection, suites: list[Suite]) -> dict[str, dict[str, Any]]:
    """Run every expectation; return GE ``ExpectationValidationResult`` dicts by name."""
    con.execute(FAILS)
    expectations = [e for s in suites for e in s.expectations]
    results: dict[str, dict[str, Any]] = {}
    for table in dict.fromkeys(e.table for e in expectations):
        mine = [e for e in expectations if e.table == table]
        results.update(_column_map(con, table, [e for e in mine if e.type in COLUMN_MAP]))
        for e in mine:
            if e.type == UNIQUE:
                results[e.name] = _unique(con, e)
            elif e.type == ROW_COUNT:
                results[e.name] = _row_count(con, e)
            elif e.type == UNEXPECTED_ROWS:
                results[e.name] = _unexpected_rows(con, e)
    return {e.name: results[e.name] for e in expectations}


def _predicate(e: Expectation, n: int, params: dict[str, Any]) -> str:
    """SQL that is true for a failing row of ``e`` (NULL-safe); values become ``$vN``."""
    col = ident(e.kwargs["column"])
    kw = e.kwargs
    if e.type == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if e.type == "expect_column_values_to_be_null":
        return f"{col} IS NOT NULL"
    value = col
    if e.type == "expect_column_value_lengths_to_be_between":
        value = f"length({col})"
    if e.type in (
        "expect_column_values_to_be_between",
        "expect_column_value_lengths_to_be_between",
    ):
        parts = []
        for key, strict_key, op, strict_op in (
            ("min_value", "strict_min", ">=", ">"),
            ("max_value", "strict_max", "<=", "<"),
        ):
            if kw.get(key) is not None:
                params[f"v{n}_{key}"] = kw[key]
                parts.append(f"{value} {strict_op if kw.get(strict_key) else op} $v{n}_{key}")
        ok = " AND ".join(parts) or "true"
        return f"({col} IS NOT NULL AND NOT ({ok}))"
    if e.type in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        params[f"v{n}"] = list(kw["value_set"])
        neg = "NOT " if e.type.endswith("to_be_in_set") and "not_be" not in e.type else ""
        return f"({col} IS NOT NULL AND {neg}list_contains($v{n}, {col}))"
    params[f"v{n}"] = kw["regex"]
    neg = "NOT " if e.type == "expect_column_values_to_match_regex" else ""
    return f"({col} IS NOT NULL AND {neg}regexp_matches({col}, $v{n}))"


def _column_map(
    con: duckdb.DuckDBPyConnection, table: str, exps: list[Expectation]
) -> dict[str, dict[str, Any]]:
    if not exps:
        return {}
    params: dict[str, Any] = {}
    preds = [_predicate(e, i, params) for i, e in enumerate(exps)]
    for i, e in enumerate(exps):
        params[f"n{i}"] = e.name
    cases = ", ".join(
        f"CASE WHEN {p} THEN {{'e': $n{i}, 'v': {ident(e.kwargs['column'])}::VARCHAR}} END"
        for i, (p, e) in enumerate(zip(preds, exps, strict=True))
    )
    pk, t = ident(primary_key(table)), ident(table)
    con.execute(
        f"""INSERT INTO fails
        SELECT f.e, NULL, NULL, $table, record_id, source_ref, f.v FROM (
          SELECT {pk} AS record_id, source_ref,
                 unnest(list_filter([{cases}], lambda x: x IS NOT NULL)) AS f
          FROM {t} WHERE {" OR ".join(preds)})""",
        {**params, "table": table},
    )
    counts = ", ".join(f"count({ident(e.kwargs['column'])})" for e in exps)
    total, *nonnull = con.execute(f"SELECT count(*), {counts} FROM {t}").fetchall()[0]
    out = {}
    for e, present in zip(exps, nonnull, strict=True):
        unexpected, values = _fail_stats(con, e.name)
        missing = total - present
        base = total if "null" in e.type.split("_be_")[-1] else present
        pct = 100.0 * unexpected / base if base else 0.0
        mostly = float(e.kwargs.get("mostly", 1.0))
        success = (1 - unexpected / base if base else 1.0) >= mostly
        out[e.name] = _result(e, success, {
            "element_count": total,
            "unexpected_count": unexpected,
            "unexpected_percent": pct,
            "partial_unexpected_list": values,
            "missing_count": missing,
            "missing_percent": 100.0 * missing / total if total else 0.0,
            "unexpected_percent_total": 100.0 * unexpected / total if total else 0.0,
            "unexpected_percent_nonmissing": 100.0 * unexpected / present if present else 0.0,
        })  # fmt: skip
    return out


def _fail_stats(con: duckdb.DuckDBPyConnection, name: str) -> tuple[int, list[Any]]:
    n = con.execute("SELECT count(*) FROM fails WHERE expectation = ?", [name]).fetchall()[0][0]
    values = con.execute(
        "SELECT value FROM fails WHERE expectation = ? "
        "ORDER BY record_id, value, source_ref LIMIT ?",
        [name, PARTIAL],
    ).fetchall()
    return int(n), [v[0] for v in values]


def _unique(con: duckdb.DuckDBPyConnection, e: Expectation) -> dict[str, Any]:
    table = e.table
    col, pk, t = ident(e.kwargs["column"]), ident(primary_key(table)), ident(table)
    con.execute(
        f"""INSERT INTO fails
        SELECT $name, NULL, NULL, $table, {pk}, source_ref, {col}::VARCHAR FROM {t}
        WHERE {col} IN (SELECT {col} FROM {t} WHERE {col} IS NOT NULL
                        GROUP BY {col} HAVING count(*) > 1)""",
        {"name": e.name, "table": table},
    )
    total, present = con.execute(f"SELECT count(*), count({col}) FROM {t}").fetchall()[0]
    unexpected, values = _fail_stats(con, e.name)
    return _result(e, unexpected == 0, {
        "element_count": total,
        "unexpected_count": unexpected,
        "unexpected_percent": 100.0 * unexpected / present if present else 0.0,
        "partial_unexpected_list": values,
        "missing_count": total - present,
    })  # fmt: skip


def _row_count(con: duckdb.DuckDBPyConnection, e: Expectation) -> dict[str, Any]:
    n = con.execute(f"SELECT count(*) FROM {ident(e.table)}").fetchall()[0][0]
    low, high = e.kwargs.get("min_value"), e.kwargs.get("max_value")
    success = (low is None or n >= low) and (high is None or n <= high)
    return _result(e, success, {"observed_value": n})


def _unexpected_rows(con: duckdb.DuckDBPyConnection, e: Expectation) -> dict[str, Any]:
    # GE formats the query with str.format(batch=...): `{{`/`}}` in the suite stand for braces
    query = e.kwargs["unexpected_rows_query"].format(batch=ident(e.table))
    columns = [d[0] for d in con.execute(f"SELECT * FROM ({query}) LIMIT 0").description]
    value = "value::VARCHAR" if "value" in columns else "NULL"
    pk = ident(primary_key(e.table))
    con.execute(
        f"""INSERT INTO fails SELECT $name, NULL, NULL, $table, {pk}, source_ref, {value}
        FROM ({query})""",
        {"name": e.name, "table": e.table},
    )
    n = con.execute("SELECT count(*) FROM fails WHERE expectation = ?", [e.name]).fetchall()[0][0]
    rows = con.execute(
        "SELECT record_id, source_ref, value FROM fails WHERE expectation = ? "
        "ORDER BY record_id, value, source_ref LIMIT ?",
        [e.name, PARTIAL],
    ).fetchall()
    details = [{"record_id": r[0], "source_ref": r[1], "value": r[2]} for r in rows]
    return _result(e, n == 0, {"observed_value": n, "details": {"unexpected_rows": details}})


def _result(e: Expectation, success: bool, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "success": bool(success),
        "expectation_config": e.config(),
        "result": result,
        "meta": {},
        "exception_info": {
            "raised_exception": False,
            "exception_traceback": None,
            "exception_message": None,
        },
    }
