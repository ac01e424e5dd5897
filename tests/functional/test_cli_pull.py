"""The ``labelrelease`` command as a user meets it: help, errors, files written."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from labelrelease.model.schema import SCHEMAS
from tests.functional.conftest import ASSETS, cli

TABLES = sorted(SCHEMAS)
CSV_TEST = ASSETS / "label-studio" / "label-studio-sdk" / "test_export_csv" / "csv_test.json"


def test_help_teaches_every_command(tmp_path: Path) -> None:
    root = cli("--help", cwd=tmp_path)
    assert root.returncode == 0
    assert "pull" in root.stdout and "formats" in root.stdout
    pull = cli("pull", "--help", cwd=tmp_path)
    assert pull.returncode == 0
    for option in ("--format", "--out", "--source", "--contract", "--label-config"):
        assert option in pull.stdout
    assert "labelrelease pull export.json --out out/" in pull.stdout


def test_version(tmp_path: Path) -> None:
    result = cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("labelrelease ")


def test_formats_lists_label_studio(tmp_path: Path) -> None:
    result = cli("formats", cwd=tmp_path)
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert {"label-studio", "coco", "cvat", "doccano"} <= set(names)
    assert names == sorted(names)


def test_pull_files_directly(tmp_path: Path) -> None:
    result = cli("pull", str(CSV_TEST), "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for table in TABLES:
        assert pq.read_schema(tmp_path / "out" / f"{table}.parquet").equals(SCHEMAS[table])
    counts = json.loads((tmp_path / "out" / "pull.json").read_text())
    assert counts["labels"] == {"in": 5, "taken": 5, "quarantined": 0, "reasons": {}}
    assert counts["items"]["taken"] == 2
    assert "labels" in result.stdout and "5" in result.stdout  # the summary table
    assert not list(tmp_path.glob(".out.*"))  # no work folder left behind


def test_pull_twice_is_byte_identical(tmp_path: Path) -> None:
    for out in ("a", "b"):
        assert (
            cli("pull", str(CSV_TEST), "--out", out, "--source", "s", cwd=tmp_path).returncode == 0
        )
    for name in [*(f"{t}.parquet" for t in TABLES), "pull.json"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    result = cli("pull", "nope.json", "--out", "out", cwd=tmp_path)
    assert result.returncode == 4
    assert "nope.json: file not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    result = cli("pull", str(CSV_TEST), "--format", "yolo", "--out", "o", cwd=tmp_path)
    assert result.returncode == 4
    assert "unknown format 'yolo'" in result.stderr and "label-studio" in result.stderr


def test_out_is_required_with_paths(tmp_path: Path) -> None:
    result = cli("pull", str(CSV_TEST), cwd=tmp_path)
    assert result.returncode == 2
    assert "--out" in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = cli("--debug", "pull", "nope.json", "--out", "out", cwd=tmp_path)
    assert result.returncode == 4
    assert "Traceback" in result.stderr


def test_pull_stage_reads_sources_and_params(project: Path) -> None:
    result = cli("pull", cwd=project)
    assert result.returncode == 0, result.stderr
    staged = project / "data" / "staged"
    counts = json.loads((staged / "pull.json").read_text())
    assert (project / "reports" / "pull.json").read_text() == (staged / "pull.json").read_text()
    assert counts["files"]["taken"] == 2
    items = pq.read_table(staged / "items.parquet").to_pylist()
    assert {i["source"] for i in items} == {"cars", "news"}
    refs = {i["source_ref"] for i in items}
    assert "data/raw/test_export_csv/csv_test.json#/0" in refs  # relative, not machine paths


def test_a_failed_pull_leaves_the_previous_output(project: Path) -> None:
    assert cli("pull", cwd=project).returncode == 0
    before = (project / "data" / "staged" / "labels.parquet").read_bytes()
    sources = project / "pipelines" / "sources.yaml"
    sources.write_text(sources.read_text() + "    colour: blue\n")
    result = cli("pull", cwd=project)
    assert result.returncode == 3
    assert "sources[1]" in result.stderr and "colour" in result.stderr
    assert (project / "data" / "staged" / "labels.parquet").read_bytes() == before


def test_sources_may_not_leave_the_project(project: Path) -> None:
    (project / "pipelines" / "sources.yaml").write_text(
        "sources:\n  - name: x\n    paths: [../../etc/passwd]\n"
    )
    result = cli("pull", cwd=project)
    assert result.returncode == 3
    assert "inside the project" in result.stderr


def test_glob_matching_nothing_is_an_error(project: Path) -> None:
    (project / "pipelines" / "sources.yaml").write_text(
        "sources:\n  - name: x\n    paths: [data/raw/*.nothing]\n"
    )
    result = cli("pull", cwd=project)
    assert result.returncode == 3
    assert "matches no file" in result.stderr


def test_no_sources_file_says_what_to_do(tmp_path: Path) -> None:
    result = cli("pull", cwd=tmp_path)
    assert result.returncode == 3
    assert "sources file not found" in result.stderr
    assert "labelrelease pull EXPORT.json --out DIR" in result.stderr


def test_unknown_params_key(project: Path) -> None:
    (project / "params.yaml").write_text("pull:\n  batchsize: 10\n")
    result = cli("pull", cwd=project)
    assert result.returncode == 3
    assert "pull.batchsize" in result.stderr and "batch_size" in result.stderr
