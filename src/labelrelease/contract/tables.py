"""The rules of each validated table, generated from a contract, in the order they are reported.

Order (the first failing rule of a row is the one a quarantine row names): columns every row
needs, enums, empty strings, per-kind required fields, per-kind NULL fields, point lists, ranges,
taxonomy, review policy.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from labelrelease.contract.checks import (
    BAD_POINTS,
    CONTRACT_FILE,
    MUST_BE_NULL,
    NOT_IN_TAXONOMY,
    REQUIRED_MISSING,
    REVIEW_POLICY,
    Mask,
    Row,
    Rule,
    arrow,
    bools,
    empty_string_rule,
    enum_rule,
    kind_mask,
    not_null_rule,
    pattern_rule,
    range_rule,
)
from labelrelease.contract.fields import LABEL_FIELDS
from labelrelease.contract.model import Bound, Contract, RangeRule
from labelrelease.model.schema import (
    ANNOTATIONS,
    ASSETS,
    LABEL_ORIGINS,
    LABELS,
    ORIGINS,
    PASSES,
    STATUSES,
)

FIX_LABEL = "fix the label in the tool"
ASSET_RANGES = (
    RangeRule("width", (Bound("gt", 0.0),)),
    RangeRule("height", (Bound("gt", 0.0),)),
    RangeRule("duration_s", (Bound("ge", 0.0),)),
    RangeRule("fps", (Bound("gt", 0.0),)),
    RangeRule("n_chars", (Bound("ge", 0.0),)),
)


def label_rules(contract: Contract, *, accept_legacy: bool = True) -> list[Rule]:
    """The row rules of ``labels`` under ``contract``."""
    rules = _not_null(LABELS, "labels")
    rules.append(
        enum_rule(
            "kind",
            contract.allowed_kinds,
            where=f"the kinds of {CONTRACT_FILE}",
            hint=f"fix the importer or the label, or allow the kind in {CONTRACT_FILE} `kinds`",
        )
    )
    rules.append(enum_rule("origin", LABEL_ORIGINS, where="label origins", hint="fix the importer"))
    rules += _empty_strings(LABELS, contract)
    rules += [rule for field in LABEL_FIELDS if (rule := _required_rule(contract, field))]
    rules += [rule for field in LABEL_FIELDS if (rule := _null_rule(contract, field))]
    rules += [
        _points_rule(rule.kind, rule.min_points) for rule in contract.kinds if rule.min_points
    ]
    for rng in contract.ranges:
        rules.append(range_rule(rng, hint=FIX_LABEL))
    for kind_rule in contract.kinds:
        rules += [range_rule(rng, hint=FIX_LABEL) for rng in kind_rule.ranges]
    if contract.taxonomy.strict:
        rules.append(_taxonomy_rule(contract, accept_legacy))
    return rules


def annotation_rules(contract: Contract) -> list[Rule]:
    """The row rules of ``annotations`` under ``contract``."""
    rules = _not_null(ANNOTATIONS, "annotations")
    for column, allowed in (("origin", ORIGINS), ("pass", PASSES), ("status", STATUSES)):
        rules.append(
            enum_rule(column, allowed, where=f"annotation {column}s", hint="fix the importer")
        )
    rules += _empty_strings(ANNOTATIONS, contract)
    for rng in contract.ranges:
        if rng.field == "score" and not rng.kinds and not _bounds_fields(rng):
            rules.append(range_rule(rng, hint="fix the importer", table="annotation"))
    rules += _review_rules(contract)
    return rules


def asset_rules(contract: Contract) -> list[Rule]:
    """The row rules of ``assets`` under ``contract``."""
    rules = _not_null(ASSETS, "assets")
    rules.append(
        enum_rule(
            "modality",
            contract.allowed_modalities,
            where=f"the modalities of {CONTRACT_FILE}",
            hint=f"fix the importer, or allow the modality in {CONTRACT_FILE} `modalities`",
        )
    )
    rules += _empty_strings(ASSETS, contract)
    rules.append(pattern_rule("sha256", "[0-9a-f]{64}", "64 lowercase hex digits"))
    rules += [range_rule(rng, hint="fix the importer", table="asset") for rng in ASSET_RANGES]
    return rules


def _not_null(schema: pa.Schema, table: str) -> list[Rule]:
    return [not_null_rule(table, field.name) for field in schema if not field.nullable]


def _empty_strings(schema: pa.Schema, contract: Contract) -> list[Rule]:
    if not contract.text_policy.empty_is_null:
        return []
    return [empty_string_rule(f.name) for f in schema if pa.types.is_string(f.type)]


def _required_rule(contract: Contract, field: str) -> Rule | None:
    kinds = tuple(rule.kind for rule in contract.kinds if field in rule.required)
    if not kinds:
        return None

    def test(df: pd.DataFrame) -> Mask:
        return ~kind_mask(df, kinds) | _present(arrow(df, field))

    return Rule(
        name=f"required:{field}",
        reason_code=REQUIRED_MISSING,
        field=field,
        description=f"`{field}` is required on {', '.join(kinds)} labels",
        hint=f"{FIX_LABEL} (or the importer), or make `{field}` optional for the kind in "
        f"{CONTRACT_FILE}",
        test=test,
        explain=lambda row: f"`{field}` is required on {row['kind']} labels (NULL or empty)",
    )


def _null_rule(contract: Contract, field: str) -> Rule | None:
    kinds = tuple(rule.kind for rule in contract.kinds if field in rule.must_be_null)
    if not kinds:
        return None

    def test(df: pd.DataFrame) -> Mask:
        return ~kind_mask(df, kinds) | bools(pc.is_null(arrow(df, field)))

    return Rule(
        name=f"must_be_null:{field}",
        reason_code=MUST_BE_NULL,
        field=field,
        description=f"`{field}` must be NULL on {', '.join(kinds)} labels",
        hint=f"{FIX_LABEL} or the importer, or list `{field}` as optional for the kind in "
        f"{CONTRACT_FILE}",
        test=test,
        explain=lambda row: f"`{field}` must be NULL on {row['kind']} labels",
    )


def _points_rule(kind: str, min_points: int) -> Rule:
    def test(df: pd.DataFrame) -> Mask:
        lengths = pc.list_value_length(arrow(df, "points"))
        even = pc.equal(pc.bit_wise_and(lengths, 1), 0)
        ok = pc.and_(even, pc.greater_equal(lengths, 2 * min_points)).fill_null(True)
        return ~kind_mask(df, (kind,)) | bools(ok)

    return Rule(
        name=f"points:{kind}",
        reason_code=BAD_POINTS,
        field="points",
        description=f"`points` of a {kind} must be x, y pairs, at least {min_points} points",
        hint="redraw the shape in the tool, or fix the importer",
        test=test,
    )


def _taxonomy_rule(contract: Contract, accept_legacy: bool) -> Rule:
    taxonomy = contract.taxonomy
    checked = tuple(k for k in contract.allowed_kinds if k not in taxonomy.free_class_kinds)
    pair_set = pa.array(
        [
            f"{kind}\x1f{cls.name}"
            for cls in taxonomy.classes
            if accept_legacy or not cls.legacy
            for kind in (cls.kinds or checked)
            if kind in checked
        ],
        pa.string(),
    )

    def test(df: pd.DataFrame) -> Mask:
        classes = arrow(df, "class")
        keys = pc.binary_join_element_wise(arrow(df, "kind"), classes, "\x1f")
        ok = bools(pc.is_in(keys, value_set=pair_set))
        return ~kind_mask(df, checked) | bools(pc.is_null(classes)) | ok

    def explain(row: Row) -> str:
        cls = taxonomy.get(row["class"])
        if cls is None:
            return f"class `{row['class']}` is not in the taxonomy"
        if cls.legacy and not accept_legacy:
            return f"class `{cls.name}` is legacy (a migration should have rewritten it)"
        only = ", ".join(cls.kinds)
        return f"class `{cls.name}` is not allowed on {row['kind']} labels (only on {only})"

    return Rule(
        name="taxonomy:class",
        reason_code=NOT_IN_TAXONOMY,
        field="class",
        description=f"`class` must be a taxonomy class allowed on the label's kind "
        f"({CONTRACT_FILE})",
        hint=f"{FIX_LABEL} or add the class to {CONTRACT_FILE} taxonomy",
        test=test,
        explain=explain,
    )


def _review_rules(contract: Contract) -> list[Rule]:
    policy = contract.review_policy
    rules = []
    if not policy.auto_accept_model_labels:

        def unreviewed(df: pd.DataFrame) -> Mask:
            model = pc.equal(arrow(df, "origin"), "model")
            accepted = pc.equal(arrow(df, "status"), "accepted")
            bad = pc.and_(pc.and_(model, accepted), pc.is_null(arrow(df, "reviewer")))
            return ~bools(bad)

        rules.append(
            Rule(
                name="review:model_accepted_unreviewed",
                reason_code=REVIEW_POLICY,
                field="status",
                description="a model annotation may be `accepted` only with a reviewer "
                "(review_policy.auto_accept_model_labels is false)",
                hint="have an approver review it in the tool, or import it as `predicted`",
                test=unreviewed,
            )
        )
    if policy.approvers:
        approvers = policy.approvers
        approver_set = pa.array(approvers, pa.string())

        def approved(df: pd.DataFrame) -> Mask:
            accepted = bools(pc.equal(arrow(df, "status"), "accepted"))
            approver = bools(pc.is_in(arrow(df, "reviewer"), value_set=approver_set), na=True)
            return ~(accepted & ~approver)

        rules.append(
            Rule(
                name="review:approver",
                reason_code=REVIEW_POLICY,
                field="reviewer",
                description=f"only {', '.join(approvers)} may accept an annotation "
                "(review_policy.approvers)",
                hint=f"have an approver review it, or add the reviewer to {CONTRACT_FILE} "
                "review_policy.approvers",
                test=approved,
            )
        )
    return rules


def _present(values: pa.Array) -> Mask:
    """Not NULL, and not an empty list."""
    if pa.types.is_list(values.type):
        return bools(pc.greater(pc.list_value_length(values), 0))
    return bools(pc.is_valid(values))


def _bounds_fields(rng: RangeRule) -> bool:
    return any(bound.other_field for bound in rng.bounds)
