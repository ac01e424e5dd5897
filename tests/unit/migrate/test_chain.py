"""The chain's integrity: every way it can break is a named error that says what to do; labels
are migrated from their own guideline version; running twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labelrelease.errors import (
    ChecksumMismatchError,
    CycleDetectedError,
    DuplicateMigrationError,
    GuidelineVersionError,
    MigrationFileError,
    MissingParentError,
    MultipleHeadsError,
    UnknownTargetError,
)
from labelrelease.migrate import load_chain, migrate
from tests.unit.migrate.staging import contract, label, rows, run, write_migration, write_staged


def _m(mid: str, revises: str | None, version: str, ops: str = "") -> str:
    ops = ops or "  - {op: rename_class, from: Truck, to: Van}"
    return (
        f'id: {mid}\nrevises: {revises or "null"}\nmessage: "{mid}"\n'
        f'guideline_version: "{version}"\nfields: [class]\noperations:\n{ops}\n'
    )


def _chain(folder: Path, *entries: tuple[str, str | None, str]) -> None:
    for mid, revises, version in entries:
        write_migration(folder, f"{mid}.yaml", _m(mid, revises, version))


def test_chain_is_ordered_from_first_to_head(tmp_path: Path) -> None:
    _chain(tmp_path, ("c", "b", "1.3"), ("a", None, "1.1"), ("b", "a", "1.2"))
    chain = load_chain(tmp_path)
    assert [m.id for m in chain.migrations] == ["a", "b", "c"]
    assert chain.head is not None and chain.head.id == "c"


@pytest.mark.parametrize(
    ("entries", "error", "words"),
    [
        ([("a", "b", "1.1"), ("b", "a", "1.2")], CycleDetectedError, "loop"),
        ([("a", None, "1.1"), ("b", "a", "1.2"), ("c", "a", "1.3")], MultipleHeadsError, "heads"),
        ([("a", None, "1.1"), ("b", None, "1.2")], MultipleHeadsError, "starts the chain"),
        ([("a", None, "1.1"), ("b", "zzz", "1.2")], MissingParentError, "zzz"),
    ],
)
def test_broken_chains_are_named(tmp_path: Path, entries, error, words) -> None:  # type: ignore[no-untyped-def]
    _chain(tmp_path, *entries)
    with pytest.raises(error) as e:
        load_chain(tmp_path)
    assert words in e.value.message
    assert e.value.exit_code == 7


def test_duplicate_id(tmp_path: Path) -> None:
    write_migration(tmp_path, "one.yaml", _m("a", None, "1.1"))
    write_migration(tmp_path, "two.yaml", _m("a", None, "1.2"))
    with pytest.raises(DuplicateMigrationError, match=r"one\.yaml and two\.yaml"):
        load_chain(tmp_path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("id: a\nrevises: null\nmessage: x\n", "missing guideline_version"),
        (
            "id: a\nrevises: null\nmessage: x\nguideline_version: 1.1\noperations: []\n",
            'a quoted version like "1.1"',
        ),
        (
            'id: a\nrevises: null\nmessage: x\nguideline_version: "1.1"\nfields: [class]\n'
            "operations:\n  - {op: paint_class}\n",
            "unknown operation",
        ),
        (
            'id: a\nrevises: null\nmessage: x\nguideline_version: "1.1"\n'
            "operations:\n  - {op: rename_class, from: A, to: B}\n",
            "list every affected field",
        ),
        (
            'id: a\nrevises: null\nmessage: x\nguideline_version: "1.1"\nfields: [class]\n'
            "operations:\n  - {op: split_class, class: A, into: [B, C], policy: review}\n",
            "cannot be resolved by a machine",
        ),
        ("id: a\nid: b\n", "appears twice"),
    ],
)
def test_bad_migration_files_name_the_problem(tmp_path: Path, text: str, words: str) -> None:
    write_migration(tmp_path, "bad.yaml", text)
    with pytest.raises(MigrationFileError) as e:
        load_chain(tmp_path)
    assert "bad.yaml" in e.value.message
    assert words in e.value.message


def test_unknown_class_and_head_version_are_refused(tmp_path: Path) -> None:
    write_staged(tmp_path / "staged", [label("l1", "a1")], {"a1": "1.0"})
    write_migration(
        tmp_path / "migrations",
        "a.yaml",
        _m("a", None, "1.1", "  - {op: rename_class, from: Lorry, to: Van}"),
    )
    with pytest.raises(UnknownTargetError, match=r"class 'Lorry' is not known"):
        run(tmp_path, "1.1")
    with pytest.raises(GuidelineVersionError, match=r"contract says '9\.9'"):
        run(tmp_path, "9.9")


def test_migration_edited_after_release_is_refused(tmp_path: Path) -> None:
    write_staged(tmp_path / "staged", [label("l1", "a1")], {"a1": "1.0"})
    path = write_migration(tmp_path / "migrations", "a.yaml", _m("a", None, "1.1"))
    checksum = load_chain(tmp_path / "migrations").migrations[0].checksum
    bundle = tmp_path / "releases" / "1.0.0"
    bundle.mkdir(parents=True)
    (bundle / "manifest.json").write_text(
        json.dumps(
            {"version": "1.0.0", "migrations": [{"id": "a", "checksum": "sha256:" + checksum}]}
        )
    )
    run(tmp_path, "1.1")  # unchanged: accepted
    path.write_text(path.read_text() + "# edited\n")
    with pytest.raises(ChecksumMismatchError, match=r"edited after release 1\.0\.0"):
        run(tmp_path, "1.1")
    path.unlink()
    with pytest.raises(ChecksumMismatchError, match="file is gone"):
        run(tmp_path, "1.1")


def test_labels_migrate_from_their_own_version_and_twice_is_a_noop(tmp_path: Path) -> None:
    write_staged(
        tmp_path / "staged",
        [label("l0", "a0", cls="Car"), label("l1", "a1", cls="Car"), label("l2", "a2", cls="Car")],
        {"a0": "1.0", "a1": "1.1", "a2": "1.2"},
    )
    folder = tmp_path / "migrations"
    write_migration(
        folder, "a.yaml", _m("a", None, "1.1", "  - {op: rename_class, from: Car, to: Vehicle}")
    )
    write_migration(
        folder, "b.yaml", _m("b", "a", "1.2", "  - {op: rename_class, from: Vehicle, to: Bus}")
    )
    result = run(tmp_path, "1.2")
    out = tmp_path / "out"
    # l0 (1.0) gets a then b; l1 (1.1) only b, which does not touch Car; l2 is at the head
    assert rows(out / "labels.parquet", 'SELECT label_id, "class" FROM t ORDER BY 1') == [
        ("l0", "Bus"),
        ("l1", "Car"),
        ("l2", "Car"),
    ]
    assert rows(
        out / "changes.parquet",
        "SELECT label_id, old, new, cause FROM t WHERE \"table\" = 'labels'",
    ) == [("l0", '"Car"', '"Vehicle"', "a"), ("l0", '"Vehicle"', '"Bus"', "b")]
    assert result.annotations_migrated == 2
    again = migrate(out, tmp_path / "again", folder, contract("1.2"))
    assert again.annotations_migrated == 0
    assert rows(tmp_path / "again" / "changes.parquet", "SELECT count(*) FROM t") == [(0,)]
    for table in ("items", "assets", "annotations", "labels", "links"):
        assert (tmp_path / "again" / f"{table}.parquet").read_bytes() == (
            out / f"{table}.parquet"
        ).read_bytes(), table


def test_version_newer_than_chain_start_but_unknown_is_refused(tmp_path: Path) -> None:
    write_staged(tmp_path / "staged", [label("l1", "a1")], {"a1": "1.05"})
    _chain(tmp_path / "migrations", ("a", None, "1.1"), ("b", "a", "1.2"))
    (tmp_path / "migrations" / "b.yaml").write_text(
        _m("b", "a", "1.2", "  - {op: rename_class, from: Van, to: Truck}")
    )
    with pytest.raises(GuidelineVersionError, match=r"'1\.05'"):
        run(tmp_path, "1.2")


def test_a_failed_run_leaves_the_previous_output(tmp_path: Path) -> None:
    write_staged(tmp_path / "staged", [label("l1", "a1")], {"a1": "1.0"})
    write_migration(tmp_path / "migrations", "a.yaml", _m("a", None, "1.1"))
    run(tmp_path, "1.1")
    before = (tmp_path / "out" / "labels.parquet").read_bytes()
    write_migration(
        tmp_path / "migrations",
        "b.sql",
        "-- id: b\n-- revises: a\n-- message: x\n"
        '-- guideline_version: "1.2"\n\nUPDATE no_such_table SET x = 1;\n',
    )
    with pytest.raises(Exception, match="SQL failed"):
        run(tmp_path, "1.2")
    assert (tmp_path / "out" / "labels.parquet").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
