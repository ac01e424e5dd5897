"""Reading the ``kinds``, ``ranges`` and ``modalities`` sections of a contract."""

from __future__ import annotations

from labelrelease.contract._node import Node
from labelrelease.contract.fields import (
    LABEL_FIELDS,
    NUMERIC_FIELDS,
    PAYLOAD_FIELDS,
    RANGE_FIELDS,
    RANGE_OPS,
    STRUCTURAL_REQUIRED,
)
from labelrelease.contract.model import Bound, KindRule, ModalityRule, RangeRule
from labelrelease.model.schema import KINDS, MODALITIES

KIND_KEYS = ("description", "required", "optional", "must_be_null", "ranges", "min_points")
MODALITY_KEYS = ("description", "kinds")
OTHERS = "others"
"""``must_be_null: others``: every payload field the kind neither requires nor allows."""

POINT_KINDS = ("polygon", "polyline")


def parse_kinds(node: Node) -> tuple[KindRule, ...]:
    """The ``kinds`` section: one rule per allowed label kind."""
    entries = node.mapping(allowed=KINDS, what="kind")
    if not entries:
        raise node.error(f"allows no label kind; list at least one of {', '.join(KINDS)}")
    return tuple(parse_kind(kind, entry) for kind, entry in entries.items())


def parse_kind(kind: str, node: Node) -> KindRule:
    """One kind rule, e.g. ``kinds.box``."""
    entries = node.mapping(allowed=KIND_KEYS)
    if "description" in entries:
        entries["description"].string()
    required = node.child("required").choices(LABEL_FIELDS, "field")
    _check_structural(kind, required, node.child("required"))
    optional = node.child("optional").choices(LABEL_FIELDS, "field")
    _check_disjoint(node.child("optional"), optional, required, "required")
    must_be_null = _parse_must_be_null(node.child("must_be_null"), required, optional)
    min_points = None
    if not node.child("min_points").missing:
        if kind not in POINT_KINDS:
            raise node.child("min_points").error(
                f"applies only to {' and '.join(POINT_KINDS)} labels, not to {kind}"
            )
        min_points = node.child("min_points").count()
    ranges = parse_ranges(node.child("ranges"), kinds=(kind,))
    return KindRule(kind, required, optional, must_be_null, ranges, min_points)


def parse_ranges(node: Node, *, kinds: tuple[str, ...] = ()) -> tuple[RangeRule, ...]:
    """A ``ranges`` mapping: field -> {gt|ge|lt|le: number or other field}."""
    if node.missing:
        return ()
    rules = []
    for field, spec in node.mapping(allowed=RANGE_FIELDS, what="range field").items():
        bounds = []
        for op, bound in spec.mapping(allowed=RANGE_OPS, what="operator").items():
            bounds.append(_parse_bound(field, op, bound))
        if not bounds:
            raise spec.error(f"gives no bound; use one or more of {', '.join(RANGE_OPS)}")
        rules.append(RangeRule(field, tuple(bounds), kinds))
    return tuple(rules)


def parse_modalities(node: Node, allowed_kinds: tuple[str, ...]) -> tuple[ModalityRule, ...]:
    """The ``modalities`` section: allowed modalities and the label kinds on each."""
    entries = node.mapping(allowed=MODALITIES, what="modality")
    if not entries:
        raise node.error(f"allows no modality; list at least one of {', '.join(MODALITIES)}")
    rules = []
    for modality, entry in entries.items():
        entry.mapping(allowed=MODALITY_KEYS, required=("kinds",))
        kinds_node = entry.child("kinds")
        kinds = kinds_node.choices(allowed_kinds, "kind (not in the `kinds` section)")
        if not kinds:
            raise kinds_node.error("lists no kind; list the label kinds allowed on this modality")
        rules.append(ModalityRule(modality, kinds))
    return tuple(rules)


def _parse_bound(field: str, op: str, node: Node) -> Bound:
    if isinstance(node.value, str):
        if field.startswith("keyframes."):
            raise node.error("a keyframe field can only be bounded by a number")
        other = node.choice(NUMERIC_FIELDS, "field to compare with")
        if other == field:
            raise node.error(f"compares `{field}` with itself")
        return Bound(op, other_field=other)
    return Bound(op, value=node.number())


def _parse_must_be_null(
    node: Node, required: tuple[str, ...], optional: tuple[str, ...]
) -> tuple[str, ...]:
    if node.value == OTHERS:
        return tuple(f for f in PAYLOAD_FIELDS if f not in required and f not in optional)
    if isinstance(node.value, str):
        raise node.error(f"must be a list of fields or `{OTHERS}`; got `{node.value}`")
    fields = node.choices(LABEL_FIELDS, "field")
    _check_disjoint(node, fields, required, "required")
    _check_disjoint(node, fields, optional, "optional")
    return fields


def _check_structural(kind: str, required: tuple[str, ...], node: Node) -> None:
    missing = [f for f in STRUCTURAL_REQUIRED[kind] if f not in required]
    if missing:
        needed = ", ".join(STRUCTURAL_REQUIRED[kind])
        raise node.error(
            f"must include {needed} (a {kind} label means nothing without them); "
            f"add {', '.join(missing)}"
        )


def _check_disjoint(node: Node, fields: tuple[str, ...], other: tuple[str, ...], name: str) -> None:
    for index, field in enumerate(fields):
        if field in other:
            raise Node(None, path=node.path, key=f"{node.key}[{index}]").error(
                f"`{field}` is also listed as {name}; a field belongs to one list"
            )
