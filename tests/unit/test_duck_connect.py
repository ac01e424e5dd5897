"""The one DuckDB connection set-up: the settings each stage asks for take effect."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from labelrelease.check.context import DuckDBSettings
from labelrelease.check.context import connect as check_connect
from labelrelease.contract.load import default_contract
from labelrelease.model import duck
from labelrelease.model.schema import RECORD_KINDS, SCHEMAS
from labelrelease.qa.tables import connect as qa_connect
from labelrelease.release.db import connect as release_connect

SETTINGS = ("memory_limit", "threads", "temp_directory", "preserve_insertion_order")


def _settings(con: duckdb.DuckDBPyConnection, *names: str) -> dict[str, object]:
    row = con.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in names)).fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def _default(name: str) -> object:
    with duckdb.connect() as con:
        return _settings(con, name)[name]


@pytest.mark.parametrize("preserve", [True, False])
def test_settings_take_effect_in_memory(tmp_path: Path, preserve: bool) -> None:
    con = duck.connect(
        None,
        memory_limit="300MB",
        threads=1,
        temp_directory=tmp_path / "spill",
        preserve_insertion_order=preserve,
    )
    with con:
        got = _settings(con, *SETTINGS)
        assert con.execute("SELECT current_database()").fetchone() == ("memory",)
    # DuckDB reports the limit in binary units: 300 MB = 286.1 MiB
    assert got == {
        "memory_limit": "286.1 MiB",
        "threads": 1,
        "temp_directory": str(tmp_path / "spill"),
        "preserve_insertion_order": preserve,
    }


def test_database_file_is_opened_and_unset_options_keep_defaults(tmp_path: Path) -> None:
    path = tmp_path / "work.duckdb"
    with duck.connect(path, memory_limit="1GB", threads=2) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
        got = _settings(con, "preserve_insertion_order", "temp_directory")
    assert path.is_file()
    with duckdb.connect(str(path)) as again:
        assert again.execute("SELECT x FROM t").fetchall() == [(1,)]
    assert got["preserve_insertion_order"] == _default("preserve_insertion_order")
    assert got["temp_directory"] == f"{path}.tmp"


def test_further_settings_are_set_by_name(tmp_path: Path) -> None:
    settings = {"TimeZone": "UTC", "file_search_path": str(tmp_path)}
    with duck.connect(None, memory_limit="1GB", threads=1, settings=settings) as con:
        got = _settings(con, "TimeZone", "file_search_path")
    assert got == settings


@pytest.mark.parametrize("name", ["no_such_setting", "threads = 1; SET memory_limit"])
def test_unknown_setting_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="is not a DuckDB setting"):
        duck.connect(None, memory_limit="1GB", threads=1, settings={name: "x"})


def test_bad_memory_limit_fails_at_connect() -> None:
    with pytest.raises(duckdb.Error):
        duck.connect(None, memory_limit="lots", threads=1)


# The stages keep their own choices: file or memory, insertion order, spill folder.


def test_qa_connect_is_in_memory_without_insertion_order(tmp_path: Path) -> None:
    with qa_connect(tmp_path, "500MB", 1) as con:
        got = _settings(con, *SETTINGS)
        assert con.execute("SELECT current_database()").fetchone() == ("memory",)
    assert got["threads"] == 1
    assert got["memory_limit"] == "476.8 MiB"
    assert got["temp_directory"] == str(tmp_path / "duckdb-tmp")
    assert got["preserve_insertion_order"] is False


def test_release_connect_is_a_file_in_utc(tmp_path: Path) -> None:
    settings = {"duckdb_threads": 1, "duckdb_memory_limit": "1GB", "duckdb_temp_directory": None}
    with release_connect(tmp_path, settings) as con:
        got = _settings(con, *SETTINGS, "TimeZone", "file_search_path")
    assert (tmp_path / "release.duckdb").is_file()
    assert got["temp_directory"] == str(tmp_path / "duckdb-tmp")
    assert got["preserve_insertion_order"] is True
    assert got["TimeZone"] == "UTC"
    assert got["file_search_path"] == str(tmp_path)


def test_check_connect_sets_its_spill_folder_only_when_given(tmp_path: Path) -> None:
    for name in RECORD_KINDS:
        pq.write_table(SCHEMAS[name].empty_table(), tmp_path / f"{name}.parquet")
    contract = default_contract()
    spill = str(tmp_path / "spill")
    with check_connect(tmp_path, contract, DuckDBSettings("700MB", 1, spill)) as con:
        given = _settings(con, *SETTINGS)
    with check_connect(tmp_path, contract, DuckDBSettings("700MB", 1)) as con:
        default = _settings(con, "temp_directory")
    assert given["temp_directory"] == spill
    assert given["threads"] == 1
    assert given["memory_limit"] == "667.5 MiB"
    assert default["temp_directory"] == _default("temp_directory")
