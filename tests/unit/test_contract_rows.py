"""The row contract: generated pandera schemas and validate_table, rule by rule."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pandera.pandas as pdx
import pyarrow as pa
import pytest
import yaml
from pandera.errors import SchemaErrors

from labelrelease.contract import (
    REASON_CODES,
    Contract,
    annotation_schema,
    asset_schema,
    contract_from_data,
    default_contract,
    label_schema,
    load_contract,
    to_frame,
    validate_table,
)
from labelrelease.model.schema import ANNOTATIONS, ASSETS, ITEMS, LABELS, LINKS

REPO = Path(__file__).resolve().parents[2]
CONTRACT_FILE = REPO / "pipelines" / "contract.yaml"
QUARANTINE_KEYS = {"record_kind", "source_ref", "reason_code", "field", "message", "excerpt"}

BOX = {"kind": "box", "class": "Car", "x": 1.0, "y": 2.0, "w": 3.0, "h": 4.0}
KEYFRAME = {"frame": 0, "time": 0.0, "x": 1.0, "y": 1.0, "w": 2.0, "h": 2.0, "rotation": 0.0}
VALID: dict[str, dict[str, Any]] = {
    "box": BOX,
    "polygon": {"kind": "polygon", "class": "Car", "points": [0.0, 0.0, 1.0, 0.0, 1.0, 1.0]},
    "polyline": {"kind": "polyline", "points": [0.0, 0.0, 1.0, 1.0]},
    "ellipse": {"kind": "ellipse", "class": "Dog", "x": 5.0, "y": 5.0, "w": 2.0, "h": 1.0},
    "keypoint": {"kind": "keypoint", "class": "Person", "x": 5.0, "y": 5.0},
    "mask": {"kind": "mask", "class": "Cat", "mask_rle": [1, 2, 3], "mask_format": "rle"},
    "span": {"kind": "span", "class": "Person", "char_start": 0, "char_end": 4, "text": "John"},
    "time_span": {"kind": "time_span", "class": "Speech", "t_start": 0.5, "t_end": 1.5},
    "frame_span": {"kind": "frame_span", "class": "Car", "frame_start": 3, "frame_end": 9},
    "track": {"kind": "track", "class": "Car", "keyframes": [KEYFRAME, {**KEYFRAME, "frame": 5}]},
    "tag": {"kind": "tag", "class": "Rock"},
    "text": {"kind": "text", "class": "caption", "text": "A red car."},
    "number": {"kind": "number", "number": 3.0},
    "datetime": {"kind": "datetime", "text": "2024-05-01T12:00:00Z"},
}


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract(CONTRACT_FILE)


def contract_with(**sections: Any) -> Contract:
    """The real contract with some top-level sections replaced."""
    data = yaml.safe_load(CONTRACT_FILE.read_text(encoding="utf-8"))
    data.update(copy.deepcopy(sections))
    if "taxonomy" in sections:  # the derived-link rules and the required mentions name
        data["cross_modal"].pop("rules", None)  # classes of the real taxonomy
        data["text_policy"].get("invented_objects", {}).pop("require_mention", None)
    return contract_from_data(data, source="test contract")


def row_of(schema: pa.Schema, index: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(schema.names)
    row["source_ref"] = f"export.json#/{index}"
    return row | values


def labels(*rows: dict[str, Any]) -> pa.Table:
    full = []
    for index, values in enumerate(rows):
        base = {"label_id": f"L{index}", "annotation_id": "A1", "item_id": "I1", "origin": "human"}
        full.append(row_of(LABELS, index, **(base | values)))
    return pa.Table.from_pylist(full, schema=LABELS)


def annotations(*rows: dict[str, Any]) -> pa.Table:
    full = []
    for index, values in enumerate(rows):
        base = {
            "annotation_id": f"A{index}",
            "item_id": "I1",
            "annotator": "ann@example.org",
            "origin": "human",
            "pass": "combined",
            "status": "submitted",
            "guideline_version": "1.0",
        }
        full.append(row_of(ANNOTATIONS, index, **(base | values)))
    return pa.Table.from_pylist(full, schema=ANNOTATIONS)


def assets(*rows: dict[str, Any]) -> pa.Table:
    full = []
    for index, values in enumerate(rows):
        base = {"asset_id": f"S{index}", "item_id": "I1", "name": "image", "modality": "image"}
        full.append(row_of(ASSETS, index, **(base | values)))
    return pa.Table.from_pylist(full, schema=ASSETS)


def failures(records: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(r["source_ref"], r["reason_code"], r["field"]) for r in records]


def refs(table: pa.Table) -> list[str]:
    return [str(ref) for ref in table.column("source_ref").to_pylist()]


def check_one_bad(
    table_name: str, batch: pa.Table, contract: Contract, code: str, field: str
) -> dict[str, Any]:
    """Row 0 passes, row 1 fails with ``code`` on ``field``; returns the quarantine record."""
    passed, records = validate_table(table_name, batch, contract)
    assert failures(records) == [("export.json#/1", code, field)]
    assert refs(passed) == ["export.json#/0"]
    assert passed.schema == batch.schema
    record = records[0]
    assert set(record) == QUARANTINE_KEYS
    assert record["record_kind"] == table_name
    assert record["reason_code"] in REASON_CODES
    return record


# --- every kind has a valid shape ----------------------------------------------------------------


def test_valid_labels_of_every_kind_pass(contract: Contract) -> None:
    batch = labels(*VALID.values())
    passed, records = validate_table("labels", batch, contract)
    assert records == []
    assert passed.equals(batch)


def test_default_contract_accepts_any_class(contract: Contract) -> None:
    batch = labels(BOX | {"class": "Zeppelin"})
    assert validate_table("labels", batch, default_contract())[1] == []
    assert failures(validate_table("labels", batch, contract)[1]) == [
        ("export.json#/0", "class_not_in_taxonomy", "class")
    ]


# --- labels: one rule at a time ------------------------------------------------------------------

REQUIRED = "contract_required_missing"
NULL = "contract_must_be_null"
RANGE = "contract_out_of_range"
POINTS = "contract_bad_points"
ENUM = "contract_bad_enum"
TAXONOMY = "class_not_in_taxonomy"
EMPTY = "contract_empty_string"
BAD_KEYFRAME = {**KEYFRAME, "frame": 5, "h": -3.0}
SEVEN_VALUES = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0]

LABEL_CASES = [
    # id, kind of the valid row it starts from, changes, reason code, field
    # required fields per kind
    ("box_h_missing", "box", {"h": None}, REQUIRED, "h"),
    ("polygon_points_missing", "polygon", {"points": None}, REQUIRED, "points"),
    ("mask_format_missing", "mask", {"mask_format": None}, REQUIRED, "mask_format"),
    ("span_end_missing", "span", {"char_end": None}, REQUIRED, "char_end"),
    ("time_span_start_missing", "time_span", {"t_start": None}, REQUIRED, "t_start"),
    ("frame_span_end_missing", "frame_span", {"frame_end": None}, REQUIRED, "frame_end"),
    ("track_keyframes_empty", "track", {"keyframes": []}, REQUIRED, "keyframes"),
    ("tag_class_missing", "tag", {"class": None}, REQUIRED, "class"),
    ("text_text_missing", "text", {"text": None}, REQUIRED, "text"),
    ("number_missing", "number", {"number": None}, REQUIRED, "number"),
    ("datetime_missing", "datetime", {"text": None}, REQUIRED, "text"),
    ("keypoint_y_missing", "keypoint", {"y": None}, REQUIRED, "y"),
    ("label_id_null", "box", {"label_id": None}, REQUIRED, "label_id"),
    # fields that must be NULL per kind
    ("box_with_char_start", "box", {"char_start": 3}, NULL, "char_start"),
    ("tag_with_t_start", "tag", {"t_start": 1.0}, NULL, "t_start"),
    ("span_with_points", "span", {"points": [1.0, 2.0]}, NULL, "points"),
    ("text_with_x", "text", {"x": 1.0}, NULL, "x"),
    ("polygon_with_empty_mask", "polygon", {"mask_rle": []}, NULL, "mask_rle"),
    # ranges
    ("box_w_zero", "box", {"w": 0.0}, RANGE, "w"),
    ("ellipse_h_negative", "ellipse", {"h": -1.0}, RANGE, "h"),
    ("t_start_negative", "time_span", {"t_start": -0.1}, RANGE, "t_start"),
    ("t_end_before_start", "time_span", {"t_end": 0.2}, RANGE, "t_end"),
    ("frame_start_negative", "frame_span", {"frame_start": -1}, RANGE, "frame_start"),
    ("frame_end_before_start", "frame_span", {"frame_end": 2}, RANGE, "frame_end"),
    ("char_start_negative", "span", {"char_start": -1}, RANGE, "char_start"),
    ("char_end_before_start", "span", {"char_start": 5, "char_end": 4}, RANGE, "char_end"),
    ("score_above_one", "box", {"score": 1.5}, RANGE, "score"),
    ("score_negative", "tag", {"score": -0.5}, RANGE, "score"),
    ("rotation_360", "box", {"rotation": 360.0}, RANGE, "rotation"),
    ("rotation_negative", "box", {"rotation": -1.0}, RANGE, "rotation"),
    ("keyframe_h_negative", "track", {"keyframes": [KEYFRAME, BAD_KEYFRAME]}, RANGE, "keyframes"),
    (
        "keyframe_frame_negative",
        "track",
        {"keyframes": [{**KEYFRAME, "frame": -1}]},
        RANGE,
        "keyframes",
    ),
    # point lists
    ("polygon_two_points", "polygon", {"points": [0.0, 0.0, 1.0, 1.0]}, POINTS, "points"),
    ("polygon_odd_values", "polygon", {"points": SEVEN_VALUES}, POINTS, "points"),
    ("polyline_one_point", "polyline", {"points": [0.0, 0.0]}, POINTS, "points"),
    # enums
    ("kind_unknown", "box", {"kind": "blob"}, ENUM, "kind"),
    ("origin_unknown", "box", {"origin": "robot"}, ENUM, "origin"),
    # taxonomy
    ("class_unknown", "box", {"class": "Zeppelin"}, TAXONOMY, "class"),
    ("class_case_differs", "box", {"class": "car"}, TAXONOMY, "class"),
    ("class_wrong_kind", "span", {"class": "Car"}, TAXONOMY, "class"),
    ("tag_class_not_for_tags", "tag", {"class": "Section-header"}, TAXONOMY, "class"),
    # empty strings
    ("text_empty", "text", {"text": ""}, EMPTY, "text"),
    ("text_blank", "text", {"text": "  \n"}, EMPTY, "text"),
    ("class_empty", "box", {"class": ""}, EMPTY, "class"),
    ("attributes_empty", "box", {"attributes": ""}, EMPTY, "attributes"),
    ("asset_id_empty", "box", {"asset_id": ""}, EMPTY, "asset_id"),
]


@pytest.mark.parametrize(
    ("kind", "changes", "code", "field"),
    [case[1:] for case in LABEL_CASES],
    ids=[case[0] for case in LABEL_CASES],
)
def test_label_rule(
    contract: Contract, kind: str, changes: dict[str, Any], code: str, field: str
) -> None:
    good = VALID[kind]
    check_one_bad("labels", labels(good, good | changes), contract, code, field)


def test_optional_fields_may_be_set_or_null(contract: Contract) -> None:
    batch = labels(
        BOX | {"rotation": 45.0, "frame_start": 3, "frame_end": 3, "score": 0.9},
        BOX | {"class": None, "text": "per-region text", "asset_id": "S1"},
        VALID["keypoint"] | {"w": 4.0},
        VALID["time_span"] | {"frame_start": 1, "frame_end": 20},
        VALID["text"] | {"t_start": 1.0, "t_end": 2.0, "class": "transcript"},
        VALID["text"] | {"class": "anything: text classes are free"},
        VALID["number"] | {"class": None},
    )
    assert validate_table("labels", batch, contract)[1] == []


def test_required_and_must_be_null_messages(contract: Contract) -> None:
    record = check_one_bad(
        "labels", labels(BOX, BOX | {"h": None}), contract, "contract_required_missing", "h"
    )
    assert record["excerpt"] == "null"
    assert record["message"].startswith("box label L1: `h` is required on box labels")
    assert "pipelines/contract.yaml" in record["message"]
    record = check_one_bad(
        "labels", labels(BOX, BOX | {"number": 7.0}), contract, "contract_must_be_null", "number"
    )
    assert record["excerpt"] == "7.0"
    assert "`number` must be NULL on box labels; got 7.0" in record["message"]


def test_taxonomy_message_says_add_the_class(contract: Contract) -> None:
    record = check_one_bad(
        "labels",
        labels(BOX, BOX | {"class": "Zeppelin"}),
        contract,
        "class_not_in_taxonomy",
        "class",
    )
    assert record["excerpt"] == "Zeppelin"
    assert "class `Zeppelin` is not in the taxonomy" in record["message"]
    assert (
        "Fix the label in the tool or add the class to pipelines/contract.yaml taxonomy."
        in record["message"]
    )
    record = check_one_bad(
        "labels",
        labels(VALID["span"], VALID["span"] | {"class": "Car"}),
        contract,
        "class_not_in_taxonomy",
        "class",
    )
    assert "class `Car` is not allowed on span labels (only on box" in record["message"]


def test_range_messages_show_the_value_and_the_rule(contract: Contract) -> None:
    record = check_one_bad(
        "labels",
        labels(BOX, BOX | {"rotation": 400.0}),
        contract,
        "contract_out_of_range",
        "rotation",
    )
    assert record["excerpt"] == "400.0"
    assert "`rotation` must be >= 0 and < 360; got 400.0" in record["message"]
    record = check_one_bad(
        "labels",
        labels(VALID["time_span"], VALID["time_span"] | {"t_end": 0.2}),
        contract,
        "contract_out_of_range",
        "t_end",
    )
    assert record["excerpt"] == '{"t_end":0.2,"t_start":0.5}'
    bad_track = VALID["track"] | {"keyframes": [KEYFRAME, {**KEYFRAME, "frame": 5, "h": -3.0}]}
    record = check_one_bad(
        "labels", labels(VALID["track"], bad_track), contract, "contract_out_of_range", "keyframes"
    )
    assert record["excerpt"] == '{"keyframe":1,"h":-3.0}'
    assert "every keyframe's `h` must be > 0 on track labels" in record["message"]


def test_keyframe_ranges_find_the_right_rows(contract: Contract) -> None:
    bad = VALID["track"] | {"keyframes": [KEYFRAME, BAD_KEYFRAME]}
    batch = labels(
        VALID["tag"],  # keyframes NULL
        VALID["track"],
        bad,
        VALID["tag"] | {"score": 0.5},
        VALID["track"] | {"keyframes": [BAD_KEYFRAME]},
        VALID["track"],
    )
    passed, records = validate_table("labels", batch.slice(0), contract)
    assert failures(records) == [
        ("export.json#/2", "contract_out_of_range", "keyframes"),
        ("export.json#/4", "contract_out_of_range", "keyframes"),
    ]
    assert refs(passed) == [f"export.json#/{i}" for i in (0, 1, 3, 5)]
    _, records = validate_table("labels", batch.slice(2, 3), contract)
    assert failures(records) == [
        ("export.json#/2", "contract_out_of_range", "keyframes"),
        ("export.json#/4", "contract_out_of_range", "keyframes"),
    ]


def test_kind_allowed_in_model_but_not_in_contract() -> None:
    contract = contract_with(
        kinds={"box": {"required": ["x", "y", "w", "h"]}},
        modalities={"image": {"kinds": ["box"]}},
        taxonomy={"mode": "open"},
        text_policy={"empty_is_null": True},
        cross_modal={"relations": "any"},
    )
    for name in ("video", "audio", "text", "document"):
        assert name not in contract.allowed_modalities
    record = check_one_bad(
        "labels", labels(BOX, VALID["tag"]), contract, "contract_bad_enum", "kind"
    )
    assert "`kind` must be one of box" in record["message"]
    assert record["excerpt"] == "tag"


def test_a_row_breaking_several_rules_is_reported_once(contract: Contract) -> None:
    bad = BOX | {"h": None, "score": 2.0, "class": "Zeppelin", "char_start": 1}
    passed, records = validate_table("labels", labels(BOX, bad), contract)
    assert refs(passed) == ["export.json#/0"]
    assert failures(records) == [("export.json#/1", "contract_required_missing", "h")]
    message = records[0]["message"]
    assert "also breaks 3 other rule(s)" in message
    assert "contract_must_be_null on `char_start`" in message
    assert "contract_out_of_range on `score`" in message
    assert "class_not_in_taxonomy on `class`" in message


def test_order_and_schema_of_passing_rows_are_kept(contract: Contract) -> None:
    rows = [BOX | {"score": 0.1 * (i % 10)} for i in range(30)]
    for i in (3, 4, 17, 29):
        rows[i] = BOX | {"w": -1.0}
    batch = labels(*rows)
    extra = batch.append_column("note", pa.array([f"n{i}" for i in range(30)]))
    passed, records = validate_table("labels", extra, contract)
    assert passed.schema == extra.schema
    assert refs(passed) == [f"export.json#/{i}" for i in range(30) if i not in (3, 4, 17, 29)]
    assert [r["source_ref"] for r in records] == [f"export.json#/{i}" for i in (3, 4, 17, 29)]
    assert passed.column("note").to_pylist()[:3] == ["n0", "n1", "n2"]


def test_input_types_are_cast_to_the_canonical_schema(contract: Contract) -> None:
    batch = labels(BOX, BOX | {"w": 0.0})
    as_ints = batch.set_column(batch.schema.get_field_index("w"), "w", pa.array([3, 0], pa.int64()))
    passed, records = validate_table("labels", as_ints, contract)
    assert failures(records) == [("export.json#/1", "contract_out_of_range", "w")]
    assert passed.schema == as_ints.schema


def test_missing_column_is_a_programming_error(contract: Contract) -> None:
    with pytest.raises(ValueError, match="lacks canonical column"):
        validate_table("labels", labels(BOX).drop_columns(["score"]), contract)


def test_legacy_classes_pass_pull_and_fail_after_migration() -> None:
    contract = contract_with(
        taxonomy={
            "mode": "strict",
            "classes": {"Car": {"kinds": ["box"]}, "automobile": {"legacy": True}},
        }
    )
    batch = labels(BOX, BOX | {"class": "automobile"})
    assert validate_table("labels", batch, contract)[1] == []
    _, records = validate_table("labels", batch, contract, accept_legacy=False)
    assert failures(records) == [("export.json#/1", "class_not_in_taxonomy", "class")]
    assert "is legacy" in records[0]["message"]


def test_open_taxonomy_accepts_unknown_classes() -> None:
    contract = contract_with(taxonomy={"mode": "open"})
    assert validate_table("labels", labels(BOX | {"class": "Zeppelin"}), contract)[1] == []


def test_empty_strings_allowed_when_policy_says_so() -> None:
    contract = contract_with(text_policy={"empty_is_null": False})
    batch = labels(VALID["span"] | {"text": ""})
    assert validate_table("labels", batch, contract)[1] == []


# --- annotations -------------------------------------------------------------------------------

ANNOTATION_CASES = [
    ("origin_unknown", {"origin": "robot"}, "contract_bad_enum", "origin"),
    ("pass_unknown", {"pass": "audio"}, "contract_bad_enum", "pass"),
    ("status_unknown", {"status": "done"}, "contract_bad_enum", "status"),
    ("status_null", {"status": None}, "contract_required_missing", "status"),
    ("version_empty", {"guideline_version": ""}, "contract_empty_string", "guideline_version"),
    ("score_above_one", {"score": 1.2}, "contract_out_of_range", "score"),
    (
        "model_accepted_unreviewed",
        {"origin": "model", "model": "yolo", "status": "accepted"},
        "review_policy_violation",
        "status",
    ),
]


@pytest.mark.parametrize(
    ("bad", "code", "field"),
    [case[1:] for case in ANNOTATION_CASES],
    ids=[case[0] for case in ANNOTATION_CASES],
)
def test_annotation_rule(contract: Contract, bad: dict[str, Any], code: str, field: str) -> None:
    check_one_bad("annotations", annotations({}, bad), contract, code, field)


def test_model_annotations_accepted_with_a_reviewer_pass(contract: Contract) -> None:
    batch = annotations(
        {"origin": "model", "status": "predicted", "score": 0.7},
        {"origin": "model", "status": "accepted", "reviewer": "lead@example.org"},
        {"origin": "human", "status": "accepted"},
    )
    assert validate_table("annotations", batch, contract)[1] == []


def test_auto_accept_switch_allows_unreviewed_model_labels() -> None:
    contract = contract_with(review_policy={"passes": ["visual"], "auto_accept_model_labels": True})
    batch = annotations({"origin": "model", "status": "accepted"})
    assert validate_table("annotations", batch, contract)[1] == []


def test_only_approvers_may_accept() -> None:
    contract = contract_with(
        review_policy={"passes": ["visual"], "approvers": ["lead@example.org"]}
    )
    batch = annotations(
        {"status": "accepted", "reviewer": "lead@example.org"},
        {"status": "accepted", "reviewer": "intern@example.org"},
    )
    record = check_one_bad("annotations", batch, contract, "review_policy_violation", "reviewer")
    assert record["excerpt"] == "intern@example.org"
    assert record["message"].startswith("annotation A1: only lead@example.org may accept")


# --- assets ------------------------------------------------------------------------------------

ASSET_CASES = [
    ("modality_unknown", {"modality": "hologram"}, "contract_bad_enum", "modality"),
    ("width_zero", {"width": 0}, "contract_out_of_range", "width"),
    ("height_negative", {"height": -5}, "contract_out_of_range", "height"),
    ("duration_negative", {"duration_s": -1.0}, "contract_out_of_range", "duration_s"),
    ("fps_zero", {"fps": 0.0}, "contract_out_of_range", "fps"),
    ("n_chars_negative", {"n_chars": -1}, "contract_out_of_range", "n_chars"),
    ("sha256_bad", {"sha256": "ABC"}, "contract_bad_format", "sha256"),
    ("uri_empty", {"uri": ""}, "contract_empty_string", "uri"),
    ("item_id_null", {"item_id": None}, "contract_required_missing", "item_id"),
]


@pytest.mark.parametrize(
    ("bad", "code", "field"),
    [case[1:] for case in ASSET_CASES],
    ids=[case[0] for case in ASSET_CASES],
)
def test_asset_rule(contract: Contract, bad: dict[str, Any], code: str, field: str) -> None:
    good = {"width": 640, "height": 480, "sha256": "0" * 64, "uri": "s3://b/k.jpg"}
    check_one_bad("assets", assets(good, bad), contract, code, field)


def test_modality_not_in_contract_is_refused() -> None:
    contract = contract_with(modalities={"image": {"kinds": ["box"]}})
    batch = assets({"modality": "image"}, {"modality": "audio", "duration_s": 3.0})
    record = check_one_bad("assets", batch, contract, "contract_bad_enum", "modality")
    assert "allow the modality in pipelines/contract.yaml" in record["message"]


# --- pass-through and edge cases -----------------------------------------------------------------


def test_other_tables_pass_through(contract: Contract) -> None:
    items = pa.Table.from_pylist(
        [{"item_id": "", "source": "s", "source_ref": "r", "is_gold": False}], schema=ITEMS
    )
    links = LINKS.empty_table()
    for name, table in (("items", items), ("links", links)):
        passed, records = validate_table(name, table, contract)
        assert passed is table
        assert records == []


def test_unknown_table_name_is_an_error(contract: Contract) -> None:
    with pytest.raises(ValueError, match="unknown table `label`"):
        validate_table("label", labels(BOX), contract)


def test_empty_batch(contract: Contract) -> None:
    empty = LABELS.empty_table()
    passed, records = validate_table("labels", empty, contract)
    assert passed.num_rows == 0 and records == []


# --- the generated pandera schemas ---------------------------------------------------------------


def test_label_schema_is_pandera_with_named_row_checks(contract: Contract) -> None:
    schema = label_schema(contract)
    assert isinstance(schema, pdx.DataFrameSchema)
    names = {check.name for check in schema.checks}
    for name in ("required:w", "must_be_null:char_start", "enum:kind", "taxonomy:class"):
        assert name in names
    assert "range:w:gt0.0[box]" in names
    assert not schema.columns["label_id"].nullable
    assert schema.columns["w"].nullable
    schema.validate(to_frame(labels(*VALID.values())))


def test_label_schema_failure_cases_point_at_the_row(contract: Contract) -> None:
    frame = to_frame(labels(BOX, BOX, BOX | {"w": None}, BOX | {"label_id": None}))
    with pytest.raises(SchemaErrors) as caught:
        label_schema(contract).validate(frame, lazy=True)
    cases = caught.value.failure_cases
    required = cases[cases["check"] == "required:w"]
    assert set(required["index"]) == {2}
    not_null = cases[(cases["check"] == "not_nullable") & (cases["column"] == "label_id")]
    assert set(not_null["index"]) == {3}


def test_annotation_and_asset_schemas(contract: Contract) -> None:
    annotation_checks = {check.name for check in annotation_schema(contract).checks}
    assert {"enum:origin", "enum:pass", "enum:status"} <= annotation_checks
    assert "review:model_accepted_unreviewed" in annotation_checks
    asset_checks = {check.name for check in asset_schema(contract).checks}
    assert {"enum:modality", "range:width:gt0.0", "range:duration_s:ge0.0"} <= asset_checks
    annotation_schema(contract).validate(to_frame(annotations({})))
    asset_schema(contract).validate(to_frame(assets({"width": 1, "height": 1})))


@pytest.mark.slow
def test_a_large_batch_breaking_a_rule_everywhere_stays_fast(contract: Contract) -> None:
    # pandera reports every column of every failing row of a dataframe-wide check unless the
    # failure cases are capped: ~7 s CPU here without the cap, well under 1 s with it
    n = 50_000
    big = pa.concat_tables([labels(BOX | {"h": None})] * n).combine_chunks()
    start = time.process_time()
    passed, records = validate_table("labels", big, contract)
    elapsed = time.process_time() - start
    assert passed.num_rows == 0 and len(records) == n
    assert {r["reason_code"] for r in records} == {"contract_required_missing"}
    assert elapsed < 3.0, f"validate_table took {elapsed:.2f} s CPU on {n} failing rows"
