"""Every migration operation on small tables: the rows changed, the changes rows, the relabel
rows; labels already at the head are untouched."""

from __future__ import annotations

from pathlib import Path

from tests.unit.migrate.staging import label, rows, run, write_migration, write_staged

HEADER = """id: m1
revises: null
message: "the change"
guideline_version: "2.0"
"""


def _one(tmp_path: Path, body: str, labels: list, links: list | None = None) -> Path:
    write_staged(tmp_path / "staged", labels, {"a_old": "1.0", "a_new": "2.0"}, links)
    write_migration(tmp_path / "migrations", "m1.yaml", HEADER + body)
    run(tmp_path, "2.0")
    return tmp_path / "out"


def test_split_class_queues_old_labels_only(tmp_path: Path) -> None:
    out = _one(
        tmp_path,
        "fields: [class]\noperations:\n  - {op: split_class, class: Truck, into: [Truck, Van]}\n",
        [label("l1", "a_old"), label("l2", "a_old", cls="Car"), label("l3", "a_new")],
    )
    assert rows(out / "relabel.parquet", "SELECT label_id, migration_id, policy FROM t") == [
        ("l1", "m1", "relabel")
    ]
    assert rows(out / "labels.parquet", 'SELECT label_id, "class" FROM t ORDER BY 1') == [
        ("l1", "Truck"),
        ("l2", "Car"),
        ("l3", "Truck"),
    ]
    # no label cell changed; the old annotation moved to the head version
    assert rows(out / "changes.parquet", 'SELECT "table", record_id, field, old, new FROM t') == [
        ("annotations", "a_old", "guideline_version", '"1.0"', '"2.0"')
    ]
    assert rows(out / "annotations.parquet", "SELECT DISTINCT guideline_version FROM t") == [
        ("2.0",)
    ]


def test_split_class_with_default_sets_class_and_asks_review(tmp_path: Path) -> None:
    out = _one(
        tmp_path,
        "fields: [class]\noperations:\n  - {op: split_class, class: Truck, "
        "into: [Truck, Van], default: Van, policy: review}\n",
        [label("l1", "a_old"), label("l3", "a_new")],
    )
    assert rows(out / "labels.parquet", 'SELECT label_id, "class" FROM t ORDER BY 1') == [
        ("l1", "Van"),
        ("l3", "Truck"),
    ]
    assert rows(
        out / "changes.parquet",
        "SELECT label_id, field, old, new, cause FROM t WHERE \"table\" = 'labels'",
    ) == [("l1", "class", '"Truck"', '"Van"', "m1")]
    assert rows(out / "relabel.parquet", "SELECT label_id, policy FROM t") == [("l1", "review")]


def test_rename_and_merge_classes(tmp_path: Path) -> None:
    out = _one(
        tmp_path,
        "fields: [class]\noperations:\n"
        "  - {op: merge_classes, from: [Car, Bus], to: Vehicle}\n"
        "  - {op: rename_class, from: Truck, to: Van}\n",
        [
            label("l1", "a_old", cls="Car"),
            label("l2", "a_old", cls="Bus"),
            label("l3", "a_old"),
            label("l4", "a_new", cls="Car"),
        ],
    )
    assert rows(out / "labels.parquet", 'SELECT label_id, "class" FROM t ORDER BY 1') == [
        ("l1", "Vehicle"),
        ("l2", "Vehicle"),
        ("l3", "Van"),
        ("l4", "Car"),
    ]
    assert rows(
        out / "changes.parquet", "SELECT label_id, old, new FROM t WHERE field = 'class' ORDER BY 1"
    ) == [("l1", '"Car"', '"Vehicle"'), ("l2", '"Bus"', '"Vehicle"'), ("l3", '"Truck"', '"Van"')]
    assert rows(out / "relabel.parquet", "SELECT count(*) FROM t") == [(0,)]


def test_attribute_fields(tmp_path: Path) -> None:
    body = """fields: [attributes.occluded, attributes.truncated, attributes.note,
         attributes.comment, attributes.count]
operations:
  - {op: add_field, field: attributes.occluded, default: false}
  - {op: rename_field, from: attributes.note, to: attributes.comment}
  - {op: drop_field, field: attributes.truncated}
  - {op: retype_field, field: attributes.count, to: integer}
"""
    out = _one(
        tmp_path,
        body,
        [
            label("l1", "a_old", attributes={"note": "hi", "truncated": True, "count": "3"}),
            label("l2", "a_old", attributes={"occluded": True, "count": "many"}),
            label("l3", "a_new", attributes={"note": "keep"}),
        ],
    )
    assert rows(out / "labels.parquet", "SELECT label_id, attributes FROM t ORDER BY 1") == [
        ("l1", '{"comment":"hi","count":3,"occluded":false}'),
        ("l2", '{"occluded":true}'),
        ("l3", '{"note":"keep"}'),
    ]
    assert rows(
        out / "changes.parquet",
        "SELECT label_id, field, old, new FROM t WHERE \"table\" = 'labels' ORDER BY 1, 2",
    ) == [
        ("l1", "attributes.comment", None, '"hi"'),
        ("l1", "attributes.count", '"3"', "3"),
        ("l1", "attributes.note", '"hi"', None),
        ("l1", "attributes.occluded", None, "false"),
        ("l1", "attributes.truncated", "true", None),
        ("l2", "attributes.count", '"many"', None),
    ]
    # the value that cannot be read as an integer goes to review (retype's default policy)
    assert rows(out / "relabel.parquet", "SELECT label_id, policy FROM t") == [("l2", "review")]


def test_relations_remapped_and_dropped(tmp_path: Path) -> None:
    links = [
        {
            "link_id": "k1",
            "annotation_id": "a_old",
            "from_label_id": "l1",
            "to_label_id": "l2",
            "relation": "related",
        },
        {
            "link_id": "k2",
            "annotation_id": "a_old",
            "from_label_id": "l2",
            "to_label_id": "l1",
            "relation": "same_object",
        },
        {
            "link_id": "k3",
            "annotation_id": "a_new",
            "from_label_id": "l3",
            "to_label_id": "l1",
            "relation": "related",
        },
    ]
    out = _one(
        tmp_path,
        "fields: [relation]\noperations:\n"
        "  - {op: remap_relation, from: related, to: describes}\n"
        "  - {op: drop_relation, relation: same_object}\n",
        [label("l1", "a_old"), label("l2", "a_old"), label("l3", "a_new")],
        links,
    )
    assert rows(out / "links.parquet", "SELECT link_id, relation FROM t ORDER BY 1") == [
        ("k1", "describes"),
        ("k3", "related"),
    ]
    assert rows(
        out / "changes.parquet",
        "SELECT record_id, old, new FROM t WHERE \"table\" = 'links' ORDER BY 1",
    ) == [("k1", '"related"', '"describes"'), ("k2", '"same_object"', None)]


def test_text_rule_filters_and_drops_links(tmp_path: Path) -> None:
    labels = [
        label("t1", "a_old", kind="text", cls="caption", text="a red van & a dog"),
        label("t2", "a_old", kind="text", cls="caption", text="x" * 30),
        label("t3", "a_old", kind="text", cls="caption", text="fine"),
        label("t4", "a_new", kind="text", cls="caption", text="new & ok"),
        label("b1", "a_old"),
    ]
    links = [
        {
            "link_id": "k1",
            "annotation_id": "a_old",
            "from_label_id": "t1",
            "to_label_id": "b1",
            "relation": "describes",
        }
    ]
    out = _one(
        tmp_path,
        "fields: [text]\noperations:\n"
        "  - {op: text_rule, banned_pattern: '&', policy: filter}\n"
        "  - {op: text_rule, max_length: 20, policy: relabel}\n",
        labels,
        links,
    )
    assert rows(out / "labels.parquet", "SELECT label_id FROM t ORDER BY 1") == [
        ("b1",),
        ("t2",),
        ("t3",),
        ("t4",),
    ]
    assert rows(out / "filtered_labels.parquet", "SELECT label_id, migration_id FROM t") == [
        ("t1", "m1")
    ]
    assert rows(out / "links.parquet", "SELECT count(*) FROM t") == [(0,)]
    assert rows(out / "relabel.parquet", "SELECT label_id, policy, reason FROM t ORDER BY 1") == [
        ("t1", "filter", "the change: text matches &"),
        ("t2", "relabel", "the change: text longer than 20 characters"),
    ]


def test_geometry_rule_asks_review(tmp_path: Path) -> None:
    out = _one(
        tmp_path,
        "operations:\n  - {op: geometry_rule, kinds: [box], classes: [Truck], "
        "attributes: {occluded: true}}\n",
        [
            label("l1", "a_old", attributes={"occluded": True}),
            label("l2", "a_old"),
            label("l3", "a_new", attributes={"occluded": True}),
        ],
    )
    assert rows(out / "relabel.parquet", "SELECT label_id, policy FROM t") == [("l1", "review")]
    assert rows(out / "changes.parquet", "SELECT count(*) FROM t WHERE \"table\" = 'labels'") == [
        (0,)
    ]


def test_sql_migration_records_each_cell(tmp_path: Path) -> None:
    write_staged(
        tmp_path / "staged",
        [label("l1", "a_old"), label("l2", "a_new")],
        {"a_old": "1.0", "a_new": "2.0"},
    )
    write_migration(
        tmp_path / "migrations",
        "m1.sql",
        "-- id: m1\n-- revises: null\n"
        '-- message: boxes lose a pixel\n-- guideline_version: "2.0"\n'
        "-- fields: [w]\n-- policy: review\n\nUPDATE labels SET w = w - 1;\n",
    )
    run(tmp_path, "2.0")
    out = tmp_path / "out"
    assert rows(out / "labels.parquet", "SELECT label_id, w FROM t ORDER BY 1") == [
        ("l1", 4.0),
        ("l2", 5.0),
    ]
    assert rows(
        out / "changes.parquet",
        "SELECT label_id, field, old, new FROM t WHERE \"table\" = 'labels'",
    ) == [("l1", "w", "5.0", "4.0")]
    assert rows(out / "relabel.parquet", "SELECT label_id, policy FROM t") == [("l1", "review")]
