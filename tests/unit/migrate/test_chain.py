"""The chain: order, versions (each label from its own version), twice = no-op, and every
named error with a message that says what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labelrelease.contract import contract_from_data, load_contract
from labelrelease.errors import (
    ChecksumMismatchError,
    CycleDetectedError,
    DuplicateMigrationError,
    GuidelineVersionError,
    MigrationError,
    MigrationFileError,
    MissingParentError,
    MultipleHeadsError,
    UnknownTargetError,
)
from labelrelease.migrate import applied_migrations, load_chain, validate_chain, verify_checksums
from tests.unit.migrate.helpers import by_id, label, mig, run, write_migrations, write_staged

REPO = Path(__file__).resolve().parents[3]
RENAME_AB = "[{op: rename_class, from: A, to: B}]"
RENAME_BC = "[{op: rename_class, from: B, to: C}]"


def test_each_label_is_migrated_from_its_own_version(tmp_path: Path) -> None:
    staged = write_staged(
        tmp_path / "staged",
        [label("old", "an_old", **{"class": "A"}), label("mid", "an_mid", **{"class": "B"}),
         label("new", "an_new", **{"class": "B"})],
        annotations={"an_old": "1.0", "an_mid": "1.1", "an_new": "1.2"},
    )  # fmt: skip
    chain = write_migrations(tmp_path / "m", mig("m1", None, "1.1", RENAME_AB, fields="[class]"),
                             mig("m2", "m1", "1.2", RENAME_BC, fields="[class]"))  # fmt: skip
    out = run(tmp_path, staged, chain)
    labels = by_id(out["labels"])
    # old: A -> B -> C; mid (made at 1.1) gets m2 only; new is at head and untouched
    assert [labels[i]["class"] for i in ("old", "mid", "new")] == ["C", "C", "B"]
    label_changes = [(c["record_id"], c["old"], c["new"], c["cause"])
                     for c in out["changes"] if c["table"] == "labels"]  # fmt: skip
    assert label_changes == [("old", '"A"', '"B"', "m1"), ("mid", '"B"', '"C"', "m2"),
                             ("old", '"B"', '"C"', "m2")]  # fmt: skip
    versions = {a["annotation_id"]: a["guideline_version"] for a in out["annotations"]}
    assert versions == {"an_old": "1.2", "an_mid": "1.2", "an_new": "1.2"}
    bumps = {(c["record_id"], c["old"], c["new"]) for c in out["changes"]
             if c["table"] == "annotations"}  # fmt: skip
    assert bumps == {("an_old", '"1.0"', '"1.2"'), ("an_mid", '"1.1"', '"1.2"')}
    assert out["report"]["annotations"] == {"migrated": 2, "at_head": 1}


def test_running_twice_is_a_no_op(tmp_path: Path) -> None:
    staged = write_staged(tmp_path / "staged", [label("l1", kind="text", text="x" * 9),
                                                label("l2", **{"class": "A"})])  # fmt: skip
    chain = write_migrations(
        tmp_path / "m", mig("m1", None, "1.1", RENAME_AB, fields="[class]"),
        mig("m2", "m1", "1.2", "[{op: text_rule, max_length: 3, policy: filter}]"),
    )  # fmt: skip
    first = run(tmp_path, staged, chain, "first")
    assert first["changes"] and first["relabel"]
    second = run(tmp_path, tmp_path / "first", chain, "second")
    assert second["changes"] == [] and second["relabel"] == [] and second["filtered_labels"] == []
    assert second["labels"] == first["labels"] and second["links"] == first["links"]


def test_unknown_newer_version_is_refused(tmp_path: Path) -> None:
    staged = write_staged(tmp_path / "s", [label("l1")], annotations={"an1": "7.0"})
    chain = write_migrations(tmp_path / "m", mig("m1", None, "1.1", RENAME_AB, fields="[class]"))
    with pytest.raises(GuidelineVersionError, match=r"'7.0'.*guideline_version"):
        run(tmp_path, staged, chain)


@pytest.mark.parametrize(
    ("docs", "error", "hint"),
    [
        ((mig("a", "b", "1.1", RENAME_AB, fields="[class]"),
          mig("b", "a", "1.2", RENAME_BC, fields="[class]")),
         CycleDetectedError, "loop: a -> b -> a"),
        ((mig("a", None, "1.1", RENAME_AB, fields="[class]"),
          mig("b", "a", "1.2", RENAME_BC, fields="[class]"),
          mig("c", "a", "1.3", RENAME_BC, fields="[class]")),
         MultipleHeadsError, "revise the other"),
        ((mig("a", None, "1.1", RENAME_AB, fields="[class]"),
          mig("b", None, "1.2", RENAME_BC, fields="[class]")),
         MultipleHeadsError, "starts the chain"),
        ((mig("a", None, "1.1", RENAME_AB, fields="[class]"),
          mig("b", "zz", "1.2", RENAME_BC, fields="[class]")),
         MissingParentError, "restore the missing"),
        ((mig("a", None, "1.1", RENAME_AB, fields="[class]"),
          mig("a", None, "1.2", RENAME_BC, fields="[class]")),
         DuplicateMigrationError, "new id"),
        ((mig("a", None, "1.1", RENAME_AB),), MigrationFileError, "list every affected field"),
        ((mig("a", None, "1.1", "[{op: explode}]"),), MigrationFileError, "known: rename_class"),
        ((mig("a", None, "1.1", "[{op: split_class, class: A, into: [B, C], policy: none}]",
              fields="[class]"),), MigrationFileError, "not allowed here"),
        (("id: a\nrevises: null\nmessage: x\nguideline_version: 1.1\noperations: []\n",),
         MigrationFileError, "a quoted version"),
    ],
)  # fmt: skip
def test_broken_chains_give_named_errors(
    tmp_path: Path, docs: tuple[str, ...], error: type[MigrationError], hint: str
) -> None:
    folder = write_migrations(tmp_path / "m", *docs)
    with pytest.raises(error, match=hint) as caught:
        load_chain(folder)
    assert caught.value.exit_code == 7


def _contract(version: str = "1.2", classes: str = "A: {}\n    B: {}\n    C: {}\n"):
    text = (REPO / "pipelines" / "contract.yaml").read_text()
    import yaml

    data = yaml.safe_load(text)
    data["guideline_version"] = version
    data["taxonomy"]["classes"] = yaml.safe_load(classes.replace("\n    ", "\n"))
    data["cross_modal"].pop("rules", None)  # they name classes of the demo taxonomy
    data["text_policy"]["invented_objects"].pop("require_mention", None)  # so does this
    return contract_from_data(data, source="contract.yaml")


def test_operation_on_a_class_the_contract_does_not_know(tmp_path: Path) -> None:
    chain = load_chain(write_migrations(
        tmp_path / "m", mig("a", None, "1.1", RENAME_AB, fields="[class]"),
        mig("b", "a", "1.2", "[{op: rename_class, from: B, to: Zebra}]",
            fields="[class]")))  # fmt: skip
    with pytest.raises(UnknownTargetError, match=r"class 'Zebra' is not known.*add it"):
        validate_chain(chain, _contract())


def test_a_class_removed_by_a_later_migration_need_not_be_in_the_head_contract(
    tmp_path: Path,
) -> None:
    chain = load_chain(write_migrations(
        tmp_path / "m", mig("a", None, "1.1", RENAME_AB, fields="[class]"),
        mig("b", "a", "1.2", RENAME_BC, fields="[class]")))  # fmt: skip
    validate_chain(chain, _contract(classes="A: {legacy: true}\n    C: {}\n"))  # B: in between
    with pytest.raises(GuidelineVersionError, match="set `guideline_version"):
        validate_chain(chain, _contract(version="1.1"))


def test_a_migration_edited_after_a_release_applied_it(tmp_path: Path) -> None:
    folder = write_migrations(tmp_path / "m", mig("a", None, "1.1", RENAME_AB, fields="[class]"))
    chain = load_chain(folder)
    release = tmp_path / "releases" / "2.0.0"
    release.mkdir(parents=True)
    entry = {"id": "a", "checksum": chain.migrations[0].checksum}
    (release / "manifest.json").write_text(json.dumps({"version": "2.0.0", "migrations": [entry]}))
    verify_checksums(chain, applied_migrations(tmp_path / "releases"))  # unchanged: fine
    (folder / "0001.yaml").write_text(mig("a", None, "1.1", RENAME_BC, fields="[class]"))
    with pytest.raises(ChecksumMismatchError, match=r"edited after release 2\.0\.0.*new migration"):
        verify_checksums(load_chain(folder), applied_migrations(tmp_path / "releases"))
    (folder / "0001.yaml").unlink()
    with pytest.raises(ChecksumMismatchError, match="file is gone"):
        verify_checksums(load_chain(folder), applied_migrations(tmp_path / "releases"))


def test_the_demo_chain_is_valid_against_the_demo_contract() -> None:
    chain = load_chain(REPO / "pipelines" / "migrations")
    validate_chain(chain, load_contract(REPO / "pipelines" / "contract.yaml"))
    assert chain.head is not None and chain.head.guideline_version == "1.2"
