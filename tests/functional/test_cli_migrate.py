"""`labelrelease migrate`, `migrations` and `migration new` on a throwaway project."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from tests.functional.conftest import ROOT, cli
from tests.unit.migrate.helpers import label, write_staged


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "contract.yaml").write_bytes(
        (ROOT / "pipelines" / "contract.yaml").read_bytes()
    )
    (tmp_path / "pipelines" / "migrations").mkdir()
    for path in (ROOT / "pipelines" / "migrations").glob("*.yaml"):
        (tmp_path / "pipelines" / "migrations" / path.name).write_bytes(path.read_bytes())
    (tmp_path / "params.yaml").write_text(
        "migrate:\n  report: reports/migrate.json\n  duckdb_temp_directory: tmp/a/b/duckdb\n"
    )
    write_staged(
        tmp_path / "data" / "staged",
        [label("l1", "an1", **{"class": "Truck"}), label("l2", "an2", **{"class": "Truck"}),
         label("t1", "an2", kind="text", text="x" * 81, **{"class": "transcript"})],
        annotations={"an1": "1.0", "an2": "1.1"},
    )  # fmt: skip
    return tmp_path


def test_migrate_stage_writes_tables_and_report(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = cli("migrate", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "0001_split_truck_van" in done.stdout
    report = json.loads((project / "reports" / "migrate.json").read_text())
    assert report["head"] == "0002_transcript_cue_length"
    assert report["labels"] == {"in": 3, "out": 2, "filtered": 1}
    relabel = pq.read_table(project / "data" / "migrated" / "relabel.parquet").to_pylist()
    # l2 was made at 1.1 (after the split): only the cue rule applies to its annotation
    assert {(r["label_id"], r["policy"]) for r in relabel} == {("l1", "relabel"), ("t1", "filter")}
    assert (project / "tmp" / "a" / "b" / "duckdb").is_dir()  # nested temp folder created
    again = cli("migrate", "--staged", "data/migrated", "--out", "out2", cwd=project)
    assert again.returncode == 0, again.stderr
    assert pq.read_table(project / "out2" / "changes.parquet").num_rows == 0


def test_migrations_lists_the_chain_with_releases(tmp_path: Path) -> None:
    project = _project(tmp_path)
    release = project / "data" / "releases" / "1.0.0"
    release.mkdir(parents=True)
    first = project / "pipelines" / "migrations" / "0001_split_truck_van.yaml"
    import hashlib

    checksum = hashlib.sha256(first.read_bytes()).hexdigest()
    (release / "manifest.json").write_text(
        json.dumps(
            {
                "version": "1.0.0",
                "migrations": [{"id": "0001_split_truck_van", "checksum": checksum}],
            }
        )
    )
    done = cli("migrations", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "0002_transcript_cue_length (head)" in done.stdout
    rows = [x for x in done.stdout.splitlines() if "│" in x and "0001_split_truck_van" in x]
    assert any(row.split("│")[1].strip() == "0001_split_truck_van" and "1.0.0" in row
               for row in rows), done.stdout  # fmt: skip
    first.write_text(first.read_text() + "# edited\n")
    edited = cli("migrations", cwd=project)
    assert edited.returncode == 7
    assert "edited after release 1.0.0" in edited.stderr and "Traceback" not in edited.stderr


def test_migration_new_revises_the_head(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = cli("migration", "new", "merge Bus into Vehicle", cwd=project)
    assert done.returncode == 0, done.stderr
    new = project / "pipelines" / "migrations" / "0003_merge_bus_into_vehicle.yaml"
    text = new.read_text()
    assert "revises: 0002_transcript_cue_length" in text and 'guideline_version: "1.3"' in text
    # the new file is a valid (empty) link of the chain; the contract must now follow it
    listed = cli("migrations", cwd=project)
    assert listed.returncode == 7 and 'set `guideline_version: "1.3"`' in listed.stderr


def test_a_user_mistake_is_one_clear_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "pipelines" / "migrations" / "0003_bad.yaml").write_text(
        "id: 0003_bad\nrevises: 0002_transcript_cue_length\nmessage: x\n"
        'guideline_version: "1.3"\noperations: [{op: rename_class, form: A, to: B}]\n'
    )
    done = cli("migrate", cwd=project)
    assert done.returncode == 7
    assert "0003_bad.yaml" in done.stderr and "unknown argument(s) ['form']" in done.stderr
    assert "Traceback" not in done.stderr
    missing = cli("migrate", "--staged", "nowhere", cwd=project)
    assert missing.returncode in (4, 7) and "Traceback" not in missing.stderr
