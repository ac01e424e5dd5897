"""The row contract: pandera schemas generated from the contract, and batch validation.

Each canonical table that the contract governs (labels, annotations, assets) gets a pandera
``DataFrameSchema`` whose columns carry the Arrow dtypes and nullability of the canonical schema
and whose dataframe-wide checks are the contract's rules (:mod:`labelrelease.contract.tables`).
:func:`validate_table` applies it to one Arrow batch and splits the batch into the rows that pass
and one quarantine record per row that does not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pdx
import pyarrow as pa
from numpy.typing import NDArray
from pandera.errors import SchemaErrors

from labelrelease.contract.checks import NOT_NULLABLE, Mask, Rule, short_text
from labelrelease.contract.model import Contract
from labelrelease.contract.tables import annotation_rules, asset_rules, label_rules
from labelrelease.model.schema import SCHEMAS

GOVERNED_TABLES = ("labels", "annotations", "assets")
"""Tables the row contract validates; every other table passes through unchanged."""

_EXCERPT_CHARS = 80


def label_schema(contract: Contract, *, accept_legacy: bool = True) -> pdx.DataFrameSchema:
    """The pandera schema of ``labels`` rows under ``contract``.

    ``accept_legacy`` admits taxonomy classes marked ``legacy`` (raw exports, before migration).
    Validate a frame made by :func:`to_frame`.
    """
    return _compiled("labels", contract, accept_legacy)[0]


def annotation_schema(contract: Contract) -> pdx.DataFrameSchema:
    """The pandera schema of ``annotations`` rows under ``contract``."""
    return _compiled("annotations", contract, True)[0]


def asset_schema(contract: Contract) -> pdx.DataFrameSchema:
    """The pandera schema of ``assets`` rows under ``contract``."""
    return _compiled("assets", contract, True)[0]


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as the Arrow-backed pandas frame the generated schemas validate."""
    frame: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
    return frame


def validate_table(
    table_name: str, batch: pa.Table, contract: Contract, *, accept_legacy: bool = True
) -> tuple[pa.Table, list[dict[str, Any]]]:
    """Split ``batch`` of canonical table ``table_name`` into the rows that meet the contract
    (same schema, same order) and one quarantine record per row that does not.

    A quarantine record has ``record_kind``, ``source_ref``, ``reason_code``, ``field``,
    ``message`` and ``excerpt``; a row that breaks several rules is reported once, under the
    first rule in contract order, and its message counts the others.
    """
    if table_name not in SCHEMAS:
        raise ValueError(f"unknown table `{table_name}`; known: {', '.join(SCHEMAS)}")
    if table_name not in GOVERNED_TABLES or batch.num_rows == 0:
        return batch, []
    conformed = _conform(table_name, batch)
    frame = to_frame(conformed)
    schema, rules = _compiled(table_name, contract, accept_legacy)
    failed = _failed_rules(schema, frame, rules)
    if not failed:
        return batch, []
    first, others = _first_failures(frame, failed)
    bad_rows = np.flatnonzero(first >= 0)
    records = _quarantine(
        table_name,
        conformed.take(bad_rows).to_pylist(),
        first[bad_rows],
        [others.get(int(i), []) for i in bad_rows],
        failed,
    )
    keep = first < 0
    return batch.filter(pa.array(keep)), records


@lru_cache(maxsize=64)
def _compiled(
    table_name: str, contract: Contract, accept_legacy: bool
) -> tuple[pdx.DataFrameSchema, dict[str, Rule]]:
    if table_name == "labels":
        rules = label_rules(contract, accept_legacy=accept_legacy)
    elif table_name == "annotations":
        rules = annotation_rules(contract)
    else:
        rules = asset_rules(contract)
    arrow = SCHEMAS[table_name]
    columns = {
        field.name: pdx.Column(pd.ArrowDtype(field.type), nullable=field.nullable)
        for field in arrow
    }
    checks = [
        pdx.Check(
            _as_check(rule.test),
            name=rule.name,
            description=rule.description,
            ignore_na=False,
            # a dataframe-wide check reports every column of every failing row; one case is
            # enough to know the rule broke, the rows come from the rule itself
            n_failure_cases=1,
        )
        for rule in rules
        if not rule.name.startswith(f"{NOT_NULLABLE}:")
    ]
    schema = pdx.DataFrameSchema(
        columns, checks=checks, strict=True, name=f"labelrelease.{table_name}"
    )
    return schema, {rule.name: rule for rule in rules}


def _as_check(test: Callable[[pd.DataFrame], Mask]) -> Callable[[pd.DataFrame], pd.Series]:
    def check(df: pd.DataFrame) -> pd.Series:
        return pd.Series(test(df), index=df.index, dtype=bool)

    return check


def _conform(table_name: str, batch: pa.Table) -> pa.Table:
    """The batch's canonical columns, cast to the canonical types, with nullability relaxed so
    that NULLs in required columns reach the contract instead of failing the cast."""
    schema = SCHEMAS[table_name]
    missing = [name for name in schema.names if name not in batch.column_names]
    if missing:
        raise ValueError(
            f"{table_name} batch lacks canonical column(s) {', '.join(missing)}; build it with "
            f"labelrelease.model.schema.SCHEMAS[{table_name!r}]"
        )
    fields = [field.with_nullable(True) for field in schema]
    columns = [batch.column(field.name).cast(field.type) for field in fields]
    return pa.Table.from_arrays(columns, schema=pa.schema(fields)).combine_chunks()


def _failed_rules(
    schema: pdx.DataFrameSchema, frame: pd.DataFrame, rules: dict[str, Rule]
) -> list[Rule]:
    """The rules ``frame`` breaks, in contract order, as pandera reports them."""
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    names = set()
    for check, column in zip(cases["check"], cases["column"], strict=True):
        name = f"{NOT_NULLABLE}:{column}" if check == NOT_NULLABLE else str(check)
        if name not in rules:
            raise RuntimeError(f"row contract: unexpected pandera failure {check!r} on {column!r}")
        names.add(name)
    return [rule for rule in rules.values() if rule.name in names]


def _first_failures(
    frame: pd.DataFrame, failed: list[Rule]
) -> tuple[NDArray[np.int64], dict[int, list[int]]]:
    """Per row: the index in ``failed`` of its first failing rule (-1: none); and, for rows that
    break more than one rule, the indexes of the others."""
    first = np.full(len(frame), -1, dtype=np.int64)
    others: dict[int, list[int]] = {}
    for position, rule in enumerate(failed):
        failing = np.flatnonzero(~rule.test(frame))
        for row in failing[first[failing] >= 0].tolist():
            others.setdefault(row, []).append(position)
        first[failing[first[failing] < 0]] = position
    return first, others


def _quarantine(
    table_name: str,
    rows: list[dict[str, Any]],
    firsts: NDArray[np.int64],
    others: list[list[int]],
    failed: list[Rule],
) -> list[dict[str, Any]]:
    records = []
    for row, position, extra in zip(rows, firsts, others, strict=True):
        rule = failed[position]
        excerpt = short_text(rule.offending(row), _EXCERPT_CHARS)
        hint = rule.hint[:1].upper() + rule.hint[1:]
        message = f"{_subject(table_name, row)}{rule.says(row)}; got {excerpt}. {hint}."
        if extra:
            named = ", ".join(f"{failed[i].reason_code} on `{failed[i].field}`" for i in extra)
            message += f" This row also breaks {len(extra)} other rule(s): {named}."
        records.append(
            {
                "record_kind": table_name,
                "source_ref": row.get("source_ref"),
                "reason_code": rule.reason_code,
                "field": rule.field,
                "message": message,
                "excerpt": excerpt,
            }
        )
    return records


def _subject(table_name: str, row: dict[str, Any]) -> str:
    if table_name == "labels":
        return f"{row.get('kind')} label {row.get('label_id')}: "
    key = "annotation_id" if table_name == "annotations" else "asset_id"
    return f"{table_name[:-1]} {row.get(key)}: "


def rule_failures(
    table_name: str, batch: pa.Table, contract: Contract, *, accept_legacy: bool = True
) -> list[tuple[Rule, Mask]]:
    """Per rule that ``batch`` breaks (as its pandera schema reports them), the mask of the rows
    that pass it (False: the row breaks the rule). Used by ``check`` to count failures."""
    if table_name not in GOVERNED_TABLES or batch.num_rows == 0:
        return []
    frame = to_frame(_conform(table_name, batch))
    schema, rules = _compiled(table_name, contract, accept_legacy)
    return [(rule, rule.test(frame)) for rule in _failed_rules(schema, frame, rules)]
