"""Every operation on small tables: the rows changed, the `changes` rows, the relabel rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from labelrelease.migrate.tables import CHANGES, FILTERED_LABELS, RELABEL
from labelrelease.model.schema import LABELS
from tests.unit.migrate.helpers import by_id, cells, label, mig, run, write_migrations, write_staged


def _one(tmp_path: Path, labels: list, ops: str, links: list | None = None, **extra: str) -> dict:
    staged = write_staged(tmp_path / "staged", labels, links=links)
    chain = write_migrations(tmp_path / "m", mig("m1", None, "1.1", ops, **extra))
    return run(tmp_path, staged, chain)


def test_rename_class(tmp_path: Path) -> None:
    out = _one(tmp_path, [label("l1", **{"class": "Truck"}), label("l2", **{"class": "Car"})],
               "[{op: rename_class, from: Truck, to: Lorry}]", fields="[class]")  # fmt: skip
    labels = by_id(out["labels"])
    assert (labels["l1"]["class"], labels["l2"]["class"]) == ("Lorry", "Car")
    assert cells(out["changes"]) == {("l1", "class", '"Truck"', '"Lorry"', "m1")}
    assert out["relabel"] == []


def test_merge_classes_with_review_and_kind_filter(tmp_path: Path) -> None:
    out = _one(
        tmp_path,
        [label("l1", **{"class": "Car"}), label("l2", **{"class": "Van"}),
         label("l3", kind="tag", **{"class": "Car"})],
        "[{op: merge_classes, from: [Car, Van], to: Vehicle, kinds: [box], policy: review}]",
        fields="[class]",
    )  # fmt: skip
    labels = by_id(out["labels"])
    assert [labels[i]["class"] for i in ("l1", "l2", "l3")] == ["Vehicle", "Vehicle", "Car"]
    assert cells(out["changes"]) == {("l1", "class", '"Car"', '"Vehicle"', "m1"),
                                     ("l2", "class", '"Van"', '"Vehicle"', "m1")}  # fmt: skip
    assert {(r["label_id"], r["policy"]) for r in out["relabel"]} == {
        ("l1", "review"),
        ("l2", "review"),
    }


def test_split_class_to_relabel_queue_changes_no_cell(tmp_path: Path) -> None:
    out = _one(tmp_path, [label("l1", **{"class": "Truck"}), label("l2", **{"class": "Car"})],
               "[{op: split_class, class: Truck, into: [Truck, Van]}]",
               fields="[class]")  # fmt: skip
    assert by_id(out["labels"])["l1"]["class"] == "Truck"
    assert cells(out["changes"]) == set()
    [queued] = out["relabel"]
    assert (queued["label_id"], queued["policy"], queued["migration_id"]) == ("l1", "relabel", "m1")
    assert "Truck was split into Truck, Van" in queued["reason"]


def test_split_class_with_default_and_review(tmp_path: Path) -> None:
    out = _one(tmp_path, [label("l1", **{"class": "Vehicle"})],
               "[{op: split_class, class: Vehicle, into: [Car, Truck], default: Car, "
               "policy: review}]", fields="[class]")  # fmt: skip
    assert by_id(out["labels"])["l1"]["class"] == "Car"
    assert cells(out["changes"]) == {("l1", "class", '"Vehicle"', '"Car"', "m1")}
    assert [(r["label_id"], r["policy"]) for r in out["relabel"]] == [("l1", "review")]


def test_rename_field_attribute(tmp_path: Path) -> None:
    out = _one(tmp_path, [label("l1", attributes='{"a":1,"occl":true}'), label("l2")],
               "[{op: rename_field, from: attributes.occl, to: attributes.occluded}]",
               fields="[attributes.occl, attributes.occluded]")  # fmt: skip
    labels = by_id(out["labels"])
    assert labels["l1"]["attributes"] == '{"a":1,"occluded":true}'
    assert labels["l2"]["attributes"] is None
    assert cells(out["changes"]) == {("l1", "attributes.occl", "true", None, "m1"),
                                     ("l1", "attributes.occluded", None, "true", "m1")}  # fmt: skip


def test_add_field_attribute_and_column_and_explicit_null(tmp_path: Path) -> None:
    out = _one(
        tmp_path,
        [label("l1", attributes='{"z":1}'), label("l2", attributes='{"blur":false}', score=0.5)],
        "[{op: add_field, field: attributes.blur, default: true},"
        " {op: add_field, field: score, default: 1.0},"
        " {op: add_field, field: attributes.note, default: null}]",
        fields="[attributes.blur, score, attributes.note]",
    )
    labels = by_id(out["labels"])
    assert labels["l1"]["attributes"] == '{"blur":true,"z":1}'  # keys stay sorted
    assert labels["l2"]["attributes"] == '{"blur":false}'
    assert (labels["l1"]["score"], labels["l2"]["score"]) == (1.0, 0.5)
    assert cells(out["changes"]) == {("l1", "attributes.blur", None, "true", "m1"),
                                     ("l1", "score", None, "1.0", "m1")}  # fmt: skip


def test_drop_field_attribute_and_column(tmp_path: Path) -> None:
    out = _one(tmp_path, [label("l1", attributes='{"x":"é"}', rotation=5.0), label("l2")],
               "[{op: drop_field, field: attributes.x}, {op: drop_field, field: rotation}]",
               fields="[attributes.x, rotation]")  # fmt: skip
    l1 = by_id(out["labels"])["l1"]
    assert (l1["attributes"], l1["rotation"]) == (None, None)  # empty attributes are NULL
    assert cells(out["changes"]) == {("l1", "attributes.x", '"é"', None, "m1"),
                                     ("l1", "rotation", "5.0", None, "m1")}  # fmt: skip


def test_retype_field_queues_values_that_do_not_convert(tmp_path: Path) -> None:
    out = _one(tmp_path,
               [label("l1", attributes='{"n":"3"}'), label("l2", attributes='{"n":"three"}'),
                label("l3", attributes='{"n":4}')],
               "[{op: retype_field, field: attributes.n, to: integer}]",
               fields="[attributes.n]")  # fmt: skip
    labels = by_id(out["labels"])
    assert [labels[i]["attributes"] for i in ("l1", "l2", "l3")] == ['{"n":3}', None, '{"n":4}']
    assert cells(out["changes"]) == {("l1", "attributes.n", '"3"', "3", "m1"),
                                     ("l2", "attributes.n", '"three"', None, "m1")}  # fmt: skip
    assert [(r["label_id"], r["policy"]) for r in out["relabel"]] == [("l2", "review")]


def _link(link_id: str, a: str, b: str, relation: str) -> dict:
    from tests.unit.migrate.helpers import row

    return row("links", link_id=link_id, from_label_id=a, to_label_id=b, relation=relation)


def test_remap_and_drop_relation(tmp_path: Path) -> None:
    out = _one(tmp_path, [label("l1"), label("l2")],
               "[{op: remap_relation, from: related, to: describes},"
               " {op: drop_relation, relation: part_of}]",
               links=[_link("k1", "l1", "l2", "related"), _link("k2", "l1", "l2", "part_of"),
                      _link("k3", "l2", "l1", "said_by")],
               fields="[relation]")  # fmt: skip
    links = by_id(out["links"], "link_id")
    assert set(links) == {"k1", "k3"}
    assert (links["k1"]["relation"], links["k3"]["relation"]) == ("describes", "said_by")
    assert cells(out["changes"]) == {("k1", "relation", '"related"', '"describes"', "m1"),
                                     ("k2", "relation", '"part_of"', None, "m1")}  # fmt: skip


def test_text_rule_relabel(tmp_path: Path) -> None:
    out = _one(
        tmp_path,
        [
            label("l1", kind="text", text="a" * 20, **{"class": "caption"}),
            label("l2", kind="text", text="ok", **{"class": "caption"}),
            label("l3", kind="text", text="room 101", **{"class": "caption"}),
            label("l4", kind="text", text="b" * 20, **{"class": "transcript"}),
        ],
        "[{op: text_rule, classes: [caption], max_length: 10, banned_pattern: '[0-9]'}]",
    )
    assert len(out["labels"]) == 4 and cells(out["changes"]) == set()
    reasons = {r["label_id"]: r["reason"] for r in out["relabel"]}
    assert set(reasons) == {"l1", "l3"}
    assert "longer than 10 characters" in reasons["l1"] and "matches [0-9]" in reasons["l3"]


def test_text_rule_filter_moves_labels_and_their_links(tmp_path: Path) -> None:
    out = _one(tmp_path,
               [label("l1", kind="text", text="x"), label("l2", kind="box", x=1.0)],
               "[{op: text_rule, min_length: 2, policy: filter, reason: too short}]",
               links=[_link("k1", "l1", "l2", "describes")])  # fmt: skip
    assert [r["label_id"] for r in out["labels"]] == ["l2"]
    [gone] = out["filtered_labels"]
    assert (gone["label_id"], gone["text"], gone["migration_id"]) == ("l1", "x", "m1")
    assert out["links"] == []
    assert cells(out["changes"]) == {("k1", "relation", '"describes"', None, "m1")}
    assert [(r["label_id"], r["policy"]) for r in out["relabel"]] == [("l1", "filter")]


def test_geometry_rule_reviews_matching_labels(tmp_path: Path) -> None:
    out = _one(tmp_path,
               [label("l1", attributes='{"occluded":true}', **{"class": "Car"}),
                label("l2", attributes='{"occluded":false}', **{"class": "Car"}),
                label("l3", kind="polygon", attributes='{"occluded":true}')],
               "[{op: geometry_rule, kinds: [box], attributes: {occluded: true}, "
               "reason: boxes now exclude occluded parts}]")  # fmt: skip
    assert [(r["label_id"], r["policy"], r["reason"]) for r in out["relabel"]] == [
        ("l1", "review", "boxes now exclude occluded parts")
    ]
    assert cells(out["changes"]) == set()


def test_sql_migration_records_every_changed_cell_and_removed_label(tmp_path: Path) -> None:
    staged = write_staged(tmp_path / "staged", [label("l1", score=0.2), label("l2", score=0.9)])
    sql = ('-- id: m1\n-- revises: null\n-- message: drop weak labels, round scores\n'
           '-- guideline_version: "1.1"\n-- fields: [score]\n'
           "DELETE FROM labels WHERE score < 0.5;\nUPDATE labels SET score = 1.0;\n")  # fmt: skip
    out = run(tmp_path, staged, write_migrations(tmp_path / "m", sql))
    assert [(r["label_id"], r["score"]) for r in out["labels"]] == [("l2", 1.0)]
    assert [r["label_id"] for r in out["filtered_labels"]] == ["l1"]
    assert cells(out["changes"]) == {("l2", "score", "0.9", "1.0", "m1")}


def test_outputs_have_the_declared_schemas(tmp_path: Path) -> None:
    _one(tmp_path, [label("l1", kind="text", text="x")], "[{op: text_rule, min_length: 2}]")
    out = tmp_path / "out"
    assert pq.read_schema(out / "labels.parquet").equals(LABELS)
    assert pq.read_schema(out / "changes.parquet").equals(CHANGES)
    assert pq.read_schema(out / "relabel.parquet").equals(RELABEL)
    assert pq.read_schema(out / "filtered_labels.parquet").equals(FILTERED_LABELS)
