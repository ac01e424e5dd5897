"""Opening DuckDB the one way every stage does: its params' memory limit, threads and spill
folder, bound as parameters (never formatted into SQL text)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb

Setting = str | int | bool
"""The value of a DuckDB setting."""


def connect(
    database: Path | None,
    *,
    memory_limit: str,
    threads: int,
    temp_directory: Path | str | None = None,
    preserve_insertion_order: bool | None = None,
    settings: Mapping[str, Setting] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the database file ``database`` (``None``: in memory) that uses at
    most ``threads`` threads and ``memory_limit`` of memory and spills beyond it to
    ``temp_directory`` (``None``: DuckDB's default).

    ``preserve_insertion_order`` is set only when given (DuckDB's default is ``true``);
    ``settings`` are further DuckDB settings of the caller's, by name (e.g. ``TimeZone``),
    set in order after the others.
    """
    target = ":memory:" if database is None else str(database)
    con = duckdb.connect(target, config={"threads": threads})
    try:
        con.execute("SET memory_limit = ?", [memory_limit])
        if temp_directory is not None:
            con.execute("SET temp_directory = ?", [str(temp_directory)])
        if preserve_insertion_order is not None:
            con.execute("SET preserve_insertion_order = ?", [preserve_insertion_order])
        for name, value in (settings or {}).items():
            con.execute(f"SET {_setting_name(con, name)} = ?", [value])
    except BaseException:
        con.close()
        raise
    return con


def _setting_name(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """``name`` as it may go into SQL text: only the name of a setting DuckDB has."""
    known = con.execute(
        "SELECT name FROM duckdb_settings() WHERE lower(name) = lower(?)", [name]
    ).fetchone()
    if known is None:
        raise ValueError(f"{name!r} is not a DuckDB setting")
    return '"' + str(known[0]).replace('"', '""') + '"'


__all__ = ["Setting", "connect"]
