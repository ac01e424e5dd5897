"""`pull.duckdb_temp_directory`: DuckDB spills into a subfolder of the given folder, which is
removed afterwards; a folder that cannot be made is one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

import labelrelease.pull.run as run_module
from labelrelease.errors import OutputError
from labelrelease.pull.plan import plan_files
from labelrelease.pull.run import DuckDBSettings, pull
from tests.unit.importing import ASSETS

EXPORT = ASSETS / "label-studio" / "label-studio-frontend" / "named_entity" / "tasks.json"


def _pull(out: Path, settings: DuckDBSettings) -> None:
    pull(plan_files([EXPORT], "label-studio", "src", "1.0", {}), out, duckdb_settings=settings)


def test_spills_into_its_own_subfolder_and_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spill = tmp_path / "spill"
    seen: list[str] = []
    connect = run_module._connect

    def spy(work: Path, settings: DuckDBSettings, folder: Path):  # type: ignore[no-untyped-def]
        con = connect(work, settings, folder)
        seen.append(con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0])
        return con

    monkeypatch.setattr(run_module, "_connect", spy)
    _pull(tmp_path / "out", DuckDBSettings(temp_directory=str(spill)))
    assert (tmp_path / "out" / "labels.parquet").exists()
    assert len(seen) == 1 and Path(seen[0]).parent == spill
    assert Path(seen[0]).name.startswith("pull-")
    assert spill.is_dir() and not any(spill.iterdir())  # this pull's subfolder is gone


def test_default_spills_inside_the_work_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []
    folder = run_module._spill_folder

    def spy(work: Path, settings: DuckDBSettings) -> Path:
        seen.append(folder(work, settings))
        return seen[-1]

    monkeypatch.setattr(run_module, "_spill_folder", spy)
    _pull(tmp_path / "out", DuckDBSettings())
    assert seen and seen[0].name == "duckdb-tmp" and seen[0].parent.parent == tmp_path


def test_unusable_temp_directory_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="duckdb_temp_directory"):
        _pull(tmp_path / "out", DuckDBSettings(temp_directory=str(blocker / "spill")))
    assert not (tmp_path / "out").exists()
