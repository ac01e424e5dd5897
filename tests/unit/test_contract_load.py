"""Loading pipelines/contract.yaml: the real file, the default, and every kind of mistake."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from labelrelease.contract import (
    Bound,
    Contract,
    RangeRule,
    default_contract,
    load_contract,
)
from labelrelease.contract.fields import PAYLOAD_FIELDS, STRUCTURAL_REQUIRED
from labelrelease.errors import ConfigError
from labelrelease.model.schema import KINDS, MODALITIES, PASSES

REPO = Path(__file__).resolve().parents[2]
CONTRACT = REPO / "pipelines" / "contract.yaml"


@pytest.fixture(scope="module")
def real() -> Contract:
    return load_contract(CONTRACT)


@pytest.fixture
def data() -> dict[str, Any]:
    """The real contract as plain data, to break one key at a time."""
    loaded = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return copy.deepcopy(loaded)


def write(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "contract.yaml"
    text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, content: Any) -> ConfigError:
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as caught:
        load_contract(path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    return caught.value


# --- the real contract -------------------------------------------------------------------------


def test_real_contract_sections(real: Contract) -> None:
    assert real.guideline_version == "1.2"
    assert real.source == str(CONTRACT)
    assert set(real.allowed_kinds) == set(KINDS)
    assert set(real.allowed_modalities) <= set(MODALITIES)
    assert {"image", "video", "audio", "text"} <= set(real.allowed_modalities)
    assert real.kinds_for_modality("audio") == ("time_span", "tag", "text", "number", "datetime")
    assert real.kinds_for_modality("hologram") == ()


def test_real_contract_kind_rules(real: Contract) -> None:
    for rule in real.kinds:
        assert set(STRUCTURAL_REQUIRED[rule.kind]) <= set(rule.required)
        listed = set(rule.required) | set(rule.optional) | set(rule.must_be_null)
        assert set(PAYLOAD_FIELDS) <= listed, rule.kind  # `others` covers every payload field
    box = real.kind("box")
    assert box is not None
    assert box.required == ("x", "y", "w", "h")
    assert "char_start" in box.must_be_null
    assert "rotation" in box.optional and "rotation" not in box.must_be_null
    assert RangeRule("w", (Bound("gt", 0.0),), ("box",)) in box.ranges
    track = real.kind("track")
    assert track is not None
    assert RangeRule("keyframes.h", (Bound("gt", 0.0),), ("track",)) in track.ranges
    polygon = real.kind("polygon")
    assert polygon is not None and polygon.min_points == 3
    assert RangeRule("t_end", (Bound("ge", other_field="t_start"),)) in real.ranges
    assert RangeRule("rotation", (Bound("ge", 0.0), Bound("lt", 360.0))) in real.ranges


def test_real_contract_taxonomy(real: Contract) -> None:
    taxonomy = real.taxonomy
    assert taxonomy.strict
    assert taxonomy.free_class_kinds == ("text", "number", "datetime")
    for name in ("Person", "Car", "Truck", "Moonwalker", "Airplane", "Butterfly", "Beat", "Other"):
        assert taxonomy.get(name) is not None, name
    for name in ("Neutral", "Important Stuff", "Section-header", "Text", "Organization", "Date"):
        assert taxonomy.get(name) is not None, name
    car = taxonomy.get("Car")
    assert car is not None and car.parent == "Vehicle" and "car" in car.synonyms
    assert taxonomy.allows("box", "Car")
    assert not taxonomy.allows("span", "Car")
    assert taxonomy.allows("span", "Person")  # no `kinds`: any kind
    assert taxonomy.allows("text", "anything at all")  # free class kind
    assert not taxonomy.allows("box", "Bogus")


def test_real_contract_policies(real: Contract) -> None:
    policy = real.text_policy
    assert policy.empty_is_null
    caption = policy.length_for("caption")
    assert caption is not None and caption.min <= caption.max
    default = policy.length_for("something else")
    assert default is not None and default.text_class == "default"
    assert "en" in policy.languages and "Latin" in policy.scripts
    for pattern in policy.banned_patterns:
        re.compile(pattern.pattern)
    assert {p.name for p in policy.banned_patterns} >= {"url", "email"}
    assert policy.invented_objects is not None
    assert "caption" in policy.invented_objects.text_classes
    assert real.review_policy.passes == ("visual", "text")
    assert real.review_policy.auto_accept_model_labels is False
    assert real.cross_modal.cross_item is False
    assert not real.cross_modal.open_relations
    describes = real.cross_modal.relation("describes")
    assert describes is not None
    assert "span" in describes.from_kinds and "box" in describes.to_kinds
    related = real.cross_modal.relation("related")
    assert related is not None and related.from_kinds == () and related.to_kinds == ()


def test_contract_is_hashable_and_stable(real: Contract) -> None:
    assert hash(real) == hash(load_contract(CONTRACT))
    assert real == load_contract(CONTRACT)


def test_default_contract_is_permissive() -> None:
    contract = default_contract()
    assert contract.allowed_kinds == KINDS
    assert contract.allowed_modalities == MODALITIES
    assert not contract.taxonomy.strict
    assert contract.taxonomy.allows("box", "anything")
    for rule in contract.kinds:
        assert rule.required == STRUCTURAL_REQUIRED[rule.kind]
        assert rule.must_be_null == ()
    assert contract.review_policy.passes == PASSES
    assert contract.cross_modal.open_relations
    assert contract.text_policy.empty_is_null


# --- errors name the file and the key ----------------------------------------------------------


def test_missing_file_says_create_or_pass_contract(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "contract.yaml"
    with pytest.raises(ConfigError) as caught:
        load_contract(path)
    message = str(caught.value)
    assert str(path) in message
    assert "create it" in message and "--contract" in message
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("- a\n- b\n", "got list"),
        ("", "got an empty file"),
        ("just text\n", "got str"),
    ],
)
def test_not_a_mapping(tmp_path: Path, content: str, expected: str) -> None:
    error = load_error(tmp_path, content)
    assert "must be a YAML mapping of sections" in str(error)
    assert expected in str(error)
    assert "guideline_version" in str(error)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, "guideline_version: '1.0'\nkinds: [box\n")
    assert "is not valid YAML at line" in str(error)


def test_unknown_top_level_key(tmp_path: Path, data: dict[str, Any]) -> None:
    data["colour"] = "blue"
    error = load_error(tmp_path, data)
    assert error.key == "colour"
    assert "unknown section `colour`" in str(error)
    assert "allowed: guideline_version, modalities, kinds" in str(error)


def test_missing_section(tmp_path: Path, data: dict[str, Any]) -> None:
    del data["taxonomy"]
    error = load_error(tmp_path, data)
    assert "missing required section `taxonomy`" in str(error)


def test_unknown_field_names_the_index_and_the_allowed_fields(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    data["kinds"]["box"]["required"] = ["x", "y", "widht", "h"]
    error = load_error(tmp_path, data)
    assert error.key == "kinds.box.required[2]"
    message = str(error)
    assert "`kinds.box.required[2]`" in message
    assert "unknown field `widht`" in message
    assert "did you mean `w`" in message
    assert "allowed: asset_id, class, text, x, y, w, h" in message


def test_unknown_kind(tmp_path: Path, data: dict[str, Any]) -> None:
    data["kinds"]["blob"] = {"required": ["x"]}
    error = load_error(tmp_path, data)
    assert error.key == "kinds.blob"
    assert "unknown kind `blob`" in str(error)
    assert "box, polygon" in str(error)


def test_modality_kind_must_be_in_kinds_section(tmp_path: Path, data: dict[str, Any]) -> None:
    del data["kinds"]["mask"]
    error = load_error(tmp_path, data)
    assert error.key == "modalities.image.kinds[5]"
    assert "unknown kind (not in the `kinds` section) `mask`" in str(error)


def test_unknown_modality(tmp_path: Path, data: dict[str, Any]) -> None:
    data["modalities"]["hologram"] = {"kinds": ["box"]}
    error = load_error(tmp_path, data)
    assert error.key == "modalities.hologram"
    assert "allowed: image, video, audio, text, document" in str(error)


def test_bad_regex(tmp_path: Path, data: dict[str, Any]) -> None:
    data["text_policy"]["banned_patterns"]["url"] = "https?://(unclosed"
    error = load_error(tmp_path, data)
    assert error.key == "text_policy.banned_patterns.url"
    assert "is not a valid regular expression" in str(error)


def test_unquoted_version_says_quote_it(tmp_path: Path, data: dict[str, Any]) -> None:
    data["guideline_version"] = 1.0
    error = load_error(tmp_path, data)
    assert error.key == "guideline_version"
    assert "must be a string (quote it)" in str(error)


def test_null_key_says_must_be_null(tmp_path: Path) -> None:
    text = CONTRACT.read_text(encoding="utf-8").replace(
        "  mask: {required: [mask_rle, mask_format], must_be_null: others}",
        "  mask: {required: [mask_rle, mask_format], null: [x]}",
    )
    assert "null: [x]" in text
    error = load_error(tmp_path, text)
    assert error.key == "kinds.mask"
    assert "write `must_be_null`" in str(error)


def test_boolean_class_name_says_quote_it(tmp_path: Path) -> None:
    text = CONTRACT.read_text(encoding="utf-8").replace(
        "    Genre: {kinds: [tag]}", "    Genre: {kinds: [tag]}\n    yes: {kinds: [tag]}"
    )
    error = load_error(tmp_path, text)
    assert error.key == "taxonomy.classes"
    assert "key `True` is not a string; quote it" in str(error)


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (
            lambda d: d["kinds"]["box"].update(required=["x", "y", "w"]),
            "kinds.box.required",
            "must include x, y, w, h",
        ),
        (
            lambda d: d["kinds"]["box"].update(must_be_null=["points", "x"]),
            "kinds.box.must_be_null[1]",
            "`x` is also listed as required",
        ),
        (
            lambda d: d["kinds"]["box"].update(optional=["rotation", "w"]),
            "kinds.box.optional[1]",
            "`w` is also listed as required",
        ),
        (
            lambda d: d["kinds"]["box"].update(must_be_null="all"),
            "kinds.box.must_be_null",
            "must be a list of fields or `others`",
        ),
        (
            lambda d: d["kinds"]["box"].update(min_points=3),
            "kinds.box.min_points",
            "applies only to polygon and polyline",
        ),
        (
            lambda d: d["kinds"]["box"]["ranges"].update(w={"gte": 0}),
            "kinds.box.ranges.w.gte",
            "unknown operator `gte` (did you mean `ge`?)",
        ),
        (
            lambda d: d["kinds"]["box"]["ranges"].update(wide={"gt": 0}),
            "kinds.box.ranges.wide",
            "unknown range field `wide`",
        ),
        (
            lambda d: d["ranges"].update(t_end={"ge": "t_begin"}),
            "ranges.t_end.ge",
            "unknown field to compare with `t_begin`",
        ),
        (
            lambda d: d["kinds"]["track"]["ranges"].update({"keyframes.w": {"gt": "x"}}),
            'kinds.track.ranges."keyframes.w".gt',
            "can only be bounded by a number",
        ),
        (
            lambda d: d["ranges"].update(score={}),
            "ranges.score",
            "gives no bound",
        ),
        (
            lambda d: d["taxonomy"].update(mode="loose"),
            "taxonomy.mode",
            "unknown taxonomy mode `loose`; allowed: strict, open",
        ),
        (
            lambda d: d["taxonomy"]["classes"]["Car"].update(parent="Vehicel"),
            "taxonomy.classes.Car.parent",
            "parent `Vehicel` is not a class of the taxonomy",
        ),
        (
            lambda d: d["taxonomy"]["classes"]["Vehicle"].update(parent="Car"),
            "taxonomy.classes.Vehicle.parent",
            "parents form a cycle: Vehicle -> Car -> Vehicle",
        ),
        (
            lambda d: d["taxonomy"]["classes"]["Truck"].update(synonyms=["truck", "CAR"]),
            "taxonomy.classes.Truck.synonyms[1]",
            "synonym `CAR` already names class `Car`",
        ),
        (
            lambda d: d["taxonomy"]["classes"]["Car"].update(kinds=["box", "blob"]),
            "taxonomy.classes.Car.kinds[1]",
            "unknown kind (not in the `kinds` section) `blob`",
        ),
        (
            lambda d: d["taxonomy"]["classes"]["Car"].update(colour="red"),
            "taxonomy.classes.Car.colour",
            "unknown key `colour`",
        ),
        (
            lambda d: d["text_policy"]["lengths"]["caption"].update(min=10, max=5),
            "text_policy.lengths.caption.max",
            "is below min (5 < 10)",
        ),
        (
            lambda d: d["text_policy"].update(scripts=["Latin", "Klingon"]),
            "text_policy.scripts[1]",
            "unknown script `Klingon`",
        ),
        (
            lambda d: d["text_policy"].update(languages=["en", "English"]),
            "text_policy.languages[1]",
            "use a BCP 47 tag",
        ),
        (
            lambda d: d["text_policy"].update(empty_is_null="yes please"),
            "text_policy.empty_is_null",
            "must be true or false",
        ),
        (
            lambda d: d["review_policy"].update(passes=["visual", "audio"]),
            "review_policy.passes[1]",
            "unknown pass `audio`; allowed: visual, text, combined",
        ),
        (
            lambda d: d["review_policy"].update(passes=[]),
            "review_policy.passes",
            "lists no pass",
        ),
        (
            lambda d: d["cross_modal"]["relations"]["describes"].update(to=["box", "blob"]),
            "cross_modal.relations.describes.to[1]",
            "unknown kind (not in the `kinds` section) `blob`",
        ),
        (
            lambda d: d["cross_modal"]["relations"].update({"bad name!": {"from": "any"}}),
            'cross_modal.relations."bad name!"',
            "use letters, digits",
        ),
        (
            lambda d: d["cross_modal"].update(cross_item="no"),
            "cross_modal.cross_item",
            "must be true or false",
        ),
        (
            lambda d: d["kinds"].clear(),
            "kinds",
            "allows no label kind",
        ),
    ],
)
def test_invalid_values_name_their_key(
    tmp_path: Path,
    data: dict[str, Any],
    change: Callable[[dict[str, Any]], None],
    key: str,
    expected: str,
) -> None:
    change(data)
    error = load_error(tmp_path, data)
    assert error.key == key
    assert f"`{key}`" in str(error)
    assert expected in str(error)


def test_a_key_given_twice_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(
        'guideline_version: "1.0"\nmodalities: {}\nkinds: {}\ntaxonomy: {mode: open}\n'
        'guideline_version: "2.0"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as e:
        load_contract(path)
    assert "appears twice" in e.value.message and "line 1" in e.value.message
    assert "line 5" in e.value.message
