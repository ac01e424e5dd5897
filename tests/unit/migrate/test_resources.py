"""DuckDB running out of memory is a clean error naming the setting, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from labelrelease.errors import ConfigError, exit_code_for
from labelrelease.migrate import MigrateSettings, load_chain, migrate
from labelrelease.migrate import run as migrate_run
from tests.unit.migrate.helpers import label, mig, write_migrations, write_staged


def test_out_of_memory_names_the_memory_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staged = write_staged(tmp_path / "staged", [label("l1", **{"class": "A"})])
    chain = write_migrations(
        tmp_path / "m", mig("m1", None, "1.1", "[{op: rename_class, from: A, to: B}]",
                            fields="[class]"),
    )  # fmt: skip

    def out_of_memory(*_: object, **__: object) -> None:
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block\nmore")

    monkeypatch.setattr(migrate_run, "apply_chain", out_of_memory)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous output")
    with pytest.raises(ConfigError) as err:
        migrate(staged, out, load_chain(chain), settings=MigrateSettings(memory_limit="64MB"))
    message = str(err.value)
    assert "duckdb_memory_limit" in message and "64MB" in message and "failed to pin" in message
    assert "more" not in message
    assert exit_code_for(err.value) == 3
    assert (out / "keep.txt").read_text() == "previous output"  # the old output is untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
