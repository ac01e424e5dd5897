"""The declarative operations: their arguments, default policies and the fields they touch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labelrelease.model.schema import LABELS

POLICIES = ("none", "review", "relabel", "filter")
"""What a touched label needs: nothing, a look, a new label by a human, or leaving the data."""

ATTR = "attributes."
TYPES = ("string", "integer", "number", "boolean")
FIXED_COLUMNS = frozenset(
    {"label_id", "annotation_id", "item_id", "asset_id", "kind", "origin", "source_ref"}
)
"""Label columns no field operation may touch: keys, kind, provenance."""
NULLABLE_COLUMNS = tuple(
    f.name for f in LABELS if f.nullable and f.name not in FIXED_COLUMNS and f.name != "attributes"
)


@dataclass(frozen=True)
class OpSpec:
    """Arguments of one operation (name → type), which are required, and its default policy;
    ``policies`` limits the policies it accepts."""

    required: dict[str, type | tuple[type, ...]]
    optional: dict[str, type | tuple[type, ...]]
    policy: str
    policies: tuple[str, ...] = POLICIES


_KINDS: dict[str, type | tuple[type, ...]] = {"kinds": list}
OPERATIONS: dict[str, OpSpec] = {
    "rename_class": OpSpec({"from": str, "to": str}, dict(_KINDS), "none"),
    "merge_classes": OpSpec({"from": list, "to": str}, dict(_KINDS), "none"),
    "split_class": OpSpec(
        {"class": str, "into": list}, {**_KINDS, "default": str}, "relabel",
        ("review", "relabel", "filter"),
    ),
    "rename_field": OpSpec({"from": str, "to": str}, {}, "none"),
    "add_field": OpSpec({"field": str}, {"default": (str, int, float, bool, type(None))}, "none"),
    "drop_field": OpSpec({"field": str}, {}, "none"),
    "retype_field": OpSpec({"field": str, "to": str}, {}, "review"),
    "remap_relation": OpSpec({"from": str, "to": str}, {}, "none"),
    "drop_relation": OpSpec({"relation": str}, {}, "none"),
    "text_rule": OpSpec(
        {},
        {"classes": list, "kinds": list, "max_length": int, "min_length": int,
         "banned_pattern": str},
        "relabel", ("review", "relabel", "filter"),
    ),
    "geometry_rule": OpSpec(
        {"kinds": list}, {"classes": list, "attributes": dict}, "review",
        ("review", "relabel", "filter"),
    ),
}  # fmt: skip
"""Every declarative operation by name."""

COMMON: dict[str, type | tuple[type, ...]] = {"policy": str, "reason": str}


def check_operation(op: str, args: dict[str, Any], migration_policy: str | None) -> str:
    """Check ``args`` of operation ``op``; return its effective policy. ValueError says why."""
    spec = OPERATIONS.get(op)
    if spec is None:
        raise ValueError(f"unknown operation; known: {', '.join(OPERATIONS)}")
    allowed = {**spec.required, **spec.optional, **COMMON}
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise ValueError(f"unknown argument(s) {unknown}; allowed: {', '.join(allowed)}")
    missing = [k for k in spec.required if k not in args]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    for key, value in args.items():
        expected = allowed[key]
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is int):
            raise ValueError(f"`{key}` has the wrong type ({type(value).__name__})")
        if isinstance(value, list) and not all(isinstance(v, str) and v for v in value):
            raise ValueError(f"`{key}` must be a list of names")
    _check_values(op, args)
    policy = str(args.get("policy") or (migration_policy if spec.policy != "none" else None)
                 or spec.policy)  # fmt: skip
    if "policy" in args and args["policy"] not in POLICIES:
        raise ValueError(f"`policy` must be one of {', '.join(POLICIES)}")
    if policy not in spec.policies:
        raise ValueError(f"policy {policy!r} is not allowed here; use {', '.join(spec.policies)}")
    if op == "split_class" and policy == "review" and "default" not in args:
        raise ValueError(
            "a split cannot be resolved by a machine: use policy relabel, or policy review "
            "with a `default` class the labels keep until a reviewer decides"
        )
    return policy


def _check_values(op: str, args: dict[str, Any]) -> None:
    if op == "split_class":
        if len(args["into"]) < 2:
            raise ValueError("`into` names at least two classes")
        if "default" in args and args["default"] not in args["into"]:
            raise ValueError("`default` must be one of `into`")
    if op == "merge_classes" and not args["from"]:
        raise ValueError("`from` names the classes to merge")
    if op in ("rename_field", "add_field", "drop_field", "retype_field"):
        for key in ("from", "to", "field"):
            if key in args and not (op == "retype_field" and key == "to"):
                field_kind(args[key])
        if op == "rename_field" and not (
            args["from"].startswith(ATTR) and args["to"].startswith(ATTR)
        ):
            raise ValueError("only attribute keys can be renamed (`attributes.NAME`)")
        if op == "retype_field":
            if not args["field"].startswith(ATTR):
                raise ValueError("only attribute keys can be retyped (`attributes.NAME`)")
            if args["to"] not in TYPES:
                raise ValueError(f"`to` must be one of {', '.join(TYPES)}")
    if op == "text_rule":
        if not {"max_length", "min_length", "banned_pattern"} & set(args):
            raise ValueError("give max_length, min_length or banned_pattern")
        for key in ("max_length", "min_length"):
            if key in args and args[key] < 0:
                raise ValueError(f"`{key}` must be 0 or more")


def field_kind(name: str) -> str:
    """``attribute`` for ``attributes.KEY``, ``column`` for a nullable label column."""
    if name.startswith(ATTR):
        key = name[len(ATTR) :]
        if not key or "." in key or '"' in key:
            raise ValueError(f"{name!r}: an attribute key is one name without dots or quotes")
        return "attribute"
    if name in NULLABLE_COLUMNS:
        return "column"
    raise ValueError(
        f"{name!r} is not a field a migration can change; use `attributes.KEY` or one of "
        + ", ".join(NULLABLE_COLUMNS)
    )


def touched_fields(op: str, args: dict[str, Any]) -> list[str]:
    """The fields an operation changes (what `fields` of its migration must list)."""
    if op in ("rename_class", "merge_classes", "split_class"):
        return ["class"]
    if op == "rename_field":
        return [args["from"], args["to"]]
    if op in ("add_field", "drop_field", "retype_field"):
        return [args["field"]]
    if op in ("remap_relation", "drop_relation"):
        return ["relation"]
    return []  # rules change no cell: they queue or filter labels
