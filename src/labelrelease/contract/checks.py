"""Row rules: one named, vectorised test per contract rule, shared by every table.

A :class:`Rule` is what a generated pandera check runs and what a quarantine row reports: its
stable reason code, the field it is about, and how to say in words what broke and what to do.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from labelrelease.contract.model import Bound, RangeRule

REQUIRED_MISSING = "contract_required_missing"
MUST_BE_NULL = "contract_must_be_null"
OUT_OF_RANGE = "contract_out_of_range"
BAD_ENUM = "contract_bad_enum"
NOT_IN_TAXONOMY = "class_not_in_taxonomy"
EMPTY_STRING = "contract_empty_string"
BAD_POINTS = "contract_bad_points"
BAD_FORMAT = "contract_bad_format"
REVIEW_POLICY = "review_policy_violation"

REASON_CODES = (
    REQUIRED_MISSING,
    MUST_BE_NULL,
    OUT_OF_RANGE,
    BAD_ENUM,
    NOT_IN_TAXONOMY,
    EMPTY_STRING,
    BAD_POINTS,
    BAD_FORMAT,
    REVIEW_POLICY,
)
"""Every reason code a row contract failure can carry."""

CONTRACT_FILE = "pipelines/contract.yaml"
NOT_NULLABLE = "not_nullable"
"""pandera's check name for a NULL in a column declared ``nullable=False``."""

Row = Mapping[str, Any]
Mask = NDArray[np.bool_]
"""One boolean per row of a batch."""
Test = Callable[[pd.DataFrame], Mask]

_ARROW_COMPARE = {"gt": "greater", "ge": "greater_equal", "lt": "less", "le": "less_equal"}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


@dataclass(frozen=True)
class Rule:
    """One row rule. ``test`` gives True for each row that passes; ``explain`` says, for one
    failing row, what the rule is; ``excerpt`` picks the offending value (default: the field)."""

    name: str
    reason_code: str
    field: str
    description: str
    hint: str
    test: Test
    explain: Callable[[Row], str] | None = None
    excerpt: Callable[[Row], Any] | None = None

    def says(self, row: Row) -> str:
        """The rule in words, for ``row``."""
        return self.explain(row) if self.explain else self.description

    def offending(self, row: Row) -> Any:
        """The offending value of ``row``."""
        return self.excerpt(row) if self.excerpt else row.get(self.field)


def not_null_rule(table: str, column: str) -> Rule:
    """A column every row of ``table`` must fill (pandera reports it as ``not_nullable``)."""
    return Rule(
        name=f"{NOT_NULLABLE}:{column}",
        reason_code=REQUIRED_MISSING,
        field=column,
        description=f"`{column}` must not be NULL in any {table} row",
        hint="fix the importer: every canonical row carries it",
        test=lambda df: bools(pc.is_valid(arrow(df, column))),
    )


def enum_rule(column: str, allowed: Iterable[str], *, where: str, hint: str) -> Rule:
    """``column`` must be one of ``allowed`` when not NULL; ``where`` names the allowed list."""
    values = tuple(allowed)
    value_set = pa.array(values, pa.string())
    return Rule(
        name=f"enum:{column}",
        reason_code=BAD_ENUM,
        field=column,
        description=f"`{column}` must be one of {', '.join(values)} ({where})",
        hint=hint,
        test=lambda df: bools(pc.is_in(arrow(df, column), value_set=value_set), na=True),
    )


def empty_string_rule(column: str) -> Rule:
    """A string must not be empty or blank: a missing value is NULL."""
    return Rule(
        name=f"empty:{column}",
        reason_code=EMPTY_STRING,
        field=column,
        description=f'`{column}` must not be "" or blank; a missing value is NULL',
        hint="write NULL for a missing value (fix the importer or the label in the tool)",
        test=lambda df: bools(
            pc.not_equal(pc.utf8_trim_whitespace(arrow(df, column)), ""), na=True
        ),
        excerpt=lambda row: row.get(column),
    )


def pattern_rule(column: str, regex: str, what: str) -> Rule:
    """A non-NULL string must match ``regex`` in full."""
    return Rule(
        name=f"format:{column}",
        reason_code=BAD_FORMAT,
        field=column,
        description=f"`{column}` must be {what}",
        hint="fix the importer",
        test=lambda df: bools(
            pc.match_substring_regex(arrow(df, column), f"^(?:{regex})$"), na=True
        ),
    )


def range_rule(rng: RangeRule, *, hint: str, table: str = "label") -> Rule:
    """A range on a numeric field (or on every keyframe), scoped to ``rng.kinds`` if given."""
    scope = f" on {', '.join(rng.kinds)} {table}s" if rng.kinds else ""
    bounds = "".join(f"{b.op}{b.other_field or b.value}" for b in rng.bounds)
    name = f"range:{rng.field}:{bounds}" + (f"[{','.join(rng.kinds)}]" if rng.kinds else "")
    if rng.field.startswith("keyframes."):
        sub = rng.field.split(".", 1)[1]
        return Rule(
            name=name,
            reason_code=OUT_OF_RANGE,
            field="keyframes",
            description=f"every keyframe's `{sub}` must be "
            + " and ".join(str(b) for b in rng.bounds)
            + scope,
            hint=hint,
            test=lambda df: _in_scope(
                df, rng.kinds, _keyframes_ok(arrow(df, "keyframes"), sub, rng)
            ),
            excerpt=lambda row: _first_bad_keyframe(row, sub, rng),
        )
    others = [b.other_field for b in rng.bounds if b.other_field is not None]
    return Rule(
        name=name,
        reason_code=OUT_OF_RANGE,
        field=rng.field,
        description=rng.describe() + scope,
        hint=hint,
        test=lambda df: _in_scope(df, rng.kinds, _values_ok(df, rng)),
        excerpt=lambda row: _with_others(row, rng.field, others),
    )


def kind_mask(df: pd.DataFrame, kinds: Iterable[str]) -> Mask:
    """True for rows whose ``kind`` is one of ``kinds``."""
    return bools(pc.is_in(arrow(df, "kind"), value_set=pa.array(tuple(kinds), pa.string())))


def arrow(df: pd.DataFrame, column: str) -> pa.Array:
    """The Arrow array behind an Arrow-backed pandas column."""
    array = pa.array(df[column].array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def bools(values: pa.Array, *, na: bool = False) -> Mask:
    """An Arrow boolean array as a writable numpy array, NULL read as ``na``."""
    return np.array(values.fill_null(na).to_numpy(zero_copy_only=False), dtype=np.bool_)


def short_text(value: Any, limit: int = 80) -> str:
    """``value`` as short, deterministic text for a quarantine excerpt."""
    if value is None:
        text = "null"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _in_scope(df: pd.DataFrame, kinds: tuple[str, ...], ok: Mask) -> Mask:
    return ok if not kinds else ~kind_mask(df, kinds) | ok


def _holds(values: pa.Array, bound: Bound, df: pd.DataFrame) -> Mask:
    """Where ``values`` meets ``bound`` (or either side is NULL)."""
    target = arrow(df, bound.other_field) if bound.other_field else pa.scalar(bound.value)
    return bools(pc.call_function(_ARROW_COMPARE[bound.op], [values, target]), na=True)


def _values_ok(df: pd.DataFrame, rng: RangeRule) -> Mask:
    values = arrow(df, rng.field)
    ok = np.ones(len(df), dtype=np.bool_)
    for bound in rng.bounds:
        ok &= _holds(values, bound, df)
    return ok


def _keyframes_ok(lists: pa.Array, sub: str, rng: RangeRule) -> Mask:
    values = pc.struct_field(pc.list_flatten(lists), sub)
    bad = np.zeros(len(values), dtype=np.bool_)
    for bound in rng.bounds:
        holds = pc.call_function(_ARROW_COMPARE[bound.op], [values, pa.scalar(bound.value)])
        bad |= ~bools(holds, na=True)
    ok = np.ones(len(lists), dtype=np.bool_)
    parents = pc.list_parent_indices(lists).to_numpy()
    ok[np.unique(parents[bad])] = False
    return ok


def _first_bad_keyframe(row: Row, sub: str, rng: RangeRule) -> Any:
    for index, frame in enumerate(row.get("keyframes") or ()):
        value = frame.get(sub) if frame else None
        if value is not None and not all(_COMPARE[b.op](value, b.value) for b in rng.bounds):
            return {"keyframe": index, sub: value}
    return row.get("keyframes")


def _with_others(row: Row, field: str, others: list[str]) -> Any:
    if not others:
        return row.get(field)
    return {name: row.get(name) for name in [field, *others]}
