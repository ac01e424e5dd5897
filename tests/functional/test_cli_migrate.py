"""`labelrelease migrate`, `migrations` and `migration new` as a user runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

from labelrelease.migrate import load_chain
from tests.functional.conftest import ROOT, cli
from tests.unit.migrate.staging import label, rows, write_staged


def _project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "pipelines" / "migrations", tmp_path / "pipelines" / "migrations")
    shutil.copy(ROOT / "pipelines" / "contract.yaml", tmp_path / "pipelines" / "contract.yaml")
    (tmp_path / "params.yaml").write_text(
        "migrate:\n  in: data/staged\n  out: data/migrated\n  report: reports/migrate.json\n"
        "  duckdb_temp_directory: tmp/duckdb/nested\n"
    )
    write_staged(
        tmp_path / "data" / "staged",
        [
            label("b1", "a1"),
            label("b2", "a2"),
            label("t1", "a1", kind="text", cls="transcript", text="me & you"),
        ],
        {"a1": "1.0", "a2": "1.1"},
    )
    return tmp_path


def test_migrate_stage_runs_the_demo_chain(tmp_path: Path) -> None:
    root = _project(tmp_path)
    done = cli("migrate", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "0001_split_truck_van" in done.stdout and "0002_transcript_rules" in done.stdout
    out = root / "data" / "migrated"
    # b1 (guideline 1.0) needs a new class; b2 was labelled after the split
    assert rows(
        out / "relabel.parquet", "SELECT label_id, migration_id, policy FROM t ORDER BY 1"
    ) == [("b1", "0001_split_truck_van", "relabel"), ("t1", "0002_transcript_rules", "filter")]
    assert rows(out / "filtered_labels.parquet", "SELECT label_id FROM t") == [("t1",)]
    assert (root / "reports" / "migrate.json").read_bytes() == (out / "migrate.json").read_bytes()
    assert not (root / "tmp" / "duckdb" / "nested").exists() or not any(
        (root / "tmp" / "duckdb" / "nested").iterdir()
    )


def test_missing_input_is_a_clear_error(tmp_path: Path) -> None:
    root = _project(tmp_path)
    shutil.rmtree(root / "data" / "staged")
    done = cli("migrate", cwd=root)
    assert done.returncode == 4
    assert "run `labelrelease pull`" in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_migration_names_the_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "pipelines" / "migrations" / "0003_bad.yaml").write_text(
        'id: 0003_bad\nrevises: 0001_split_truck_van\nmessage: x\nguideline_version: "1.3"\n'
        "fields: [class]\noperations:\n  - {op: rename_class, from: Van, to: Truck}\n"
    )
    done = cli("migrate", cwd=root)
    assert done.returncode == 7
    assert "2 heads" in done.stderr and "0002_transcript_rules" in done.stderr


def test_migration_new_revises_the_head_and_migrations_lists_the_chain(tmp_path: Path) -> None:
    root = _project(tmp_path)
    done = cli("migration", "new", "split vehicle into car and truck", cwd=root)
    assert done.returncode == 0, done.stderr
    chain = load_chain(root / "pipelines" / "migrations")
    head = chain.head
    assert head is not None
    assert head.id == "0003_split_vehicle_into_car_and_truck"
    assert head.revises == "0002_transcript_rules"
    assert head.guideline_version == "1.3"
    listed = cli("migrations", cwd=root)
    assert listed.returncode == 0, listed.stderr
    assert "0003_split_vehicle_into_car_and_truck (head)" in listed.stdout
    assert "0001_split_truck_van" in listed.stdout
