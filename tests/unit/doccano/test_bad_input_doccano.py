"""Bad doccano input is reported per line: the bad line is quarantined, the rest is taken, and
the counts add up (checked by ``pull_files`` for every pull)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.importing import ASSETS, Tables, pull_files

EXPORT = (ASSETS / "doccano" / "sequence_labeling" / "export_example.jsonl").read_bytes()
RELATIONS = (ASSETS / "doccano-synthetic" / "relations.jsonl").read_text()


def pull_bytes(tmp_path: Path, data: bytes) -> Tables:
    path = tmp_path / "export.jsonl"
    path.write_bytes(data)
    return pull_files([path], "doccano", tmp_path / "out")


def test_truncated_last_line(tmp_path: Path) -> None:
    t = pull_bytes(tmp_path, EXPORT[: len(EXPORT) - 20])
    assert t.reasons() == {"invalid_json": 1}
    assert t["quarantine"][0]["source_ref"].endswith("#:3")
    assert len(t["items"]) == 2 and len(t["labels"]) == 3


def test_wrong_encoding_per_line(tmp_path: Path) -> None:
    latin1 = EXPORT.replace(b"Peter", "Pétér".encode("latin-1"))
    t = pull_bytes(tmp_path, latin1)
    assert t.reasons() == {"bad_encoding": 1}
    assert t["quarantine"][0]["source_ref"].endswith("#:2")
    assert len(t["items"]) == 2


def test_utf16_file(tmp_path: Path) -> None:
    t = pull_bytes(tmp_path, EXPORT.decode().encode("utf-16"))
    assert t.reasons() == {"bad_encoding": 1} and t.counts["files"]["quarantined"] == 1


def test_missing_text_and_spans_outside_the_text(tmp_path: Path) -> None:
    data = EXPORT.replace(b'"text": "Peter Blackburn"', b'"txt": "Peter Blackburn"').replace(
        b"[10, 15, ", b"[10, 16, "
    )
    t = pull_bytes(tmp_path, data)
    got = {(r["source_ref"].split("#")[1], r["reason_code"]) for r in t["quarantine"]}
    assert got == {(":2", "missing_field"), (":3/label/0", "span_out_of_range")}
    assert t.counts["items"] == {**t.counts["items"], "in": 3, "quarantined": 1}
    assert t.counts["labels"] == {**t.counts["labels"], "in": 3, "taken": 2, "quarantined": 1}


def test_dangling_relation(tmp_path: Path) -> None:
    data = RELATIONS.replace('"to_id": 16', '"to_id": 99').replace(
        '"start_offset": 59', '"start_offset": "x"'
    )
    t = pull_bytes(tmp_path, data.encode())
    got = {(r["source_ref"].split("#")[1], r["reason_code"]) for r in t["quarantine"]}
    assert got == {
        (":1/entities/3", "wrong_type"),
        (":1/relations/0", "dangling_entity"),  # to an entity that does not exist
        (":1/relations/2", "dangling_entity"),  # to the quarantined entity
    }
    assert len(t["links"]) == 1 and t.counts["links"]["in"] == 3


def test_line_that_is_not_an_object(tmp_path: Path) -> None:
    t = pull_bytes(tmp_path, EXPORT + b'["a list"]\n')
    assert t.reasons() == {"wrong_type": 1}
