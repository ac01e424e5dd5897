"""The DuckDB evaluator agrees with Great Expectations' own pandas execution on a small table,
for every column-level expectation type it evaluates itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from labelrelease.check.evaluate import FAILS, evaluate
from labelrelease.check.suites import Expectation, Suite

ROWS = {
    "label_id": ["lb_1", "lb_2", "lb_3", "lb_3", "lb_5", "lb 6", None],
    "score": [0.1, 0.5, 1.0, 1.5, None, -0.2, 0.3],
    "class": ["Cat", "Dog", "Cat", "Bird", None, "Zebra", "Cat"],
    "text": ["a cat", "a dog", "", None, "a bird with a long caption", "x", "two  cats"],
}

CASES: list[tuple[str, dict[str, Any]]] = [
    ("expect_column_values_to_be_unique", {"column": "label_id"}),
    ("expect_column_values_to_not_be_null", {"column": "class"}),
    ("expect_column_values_to_be_null", {"column": "class"}),
    ("expect_column_values_to_be_between", {"column": "score", "min_value": 0, "max_value": 1}),
    ("expect_column_values_to_be_between",
     {"column": "score", "min_value": 0, "max_value": 1, "strict_max": True}),
    ("expect_column_values_to_be_between", {"column": "score", "min_value": 0, "mostly": 0.8}),
    ("expect_column_values_to_be_in_set", {"column": "class", "value_set": ["Cat", "Dog"]}),
    ("expect_column_values_to_not_be_in_set", {"column": "class", "value_set": ["Zebra"]}),
    ("expect_column_value_lengths_to_be_between",
     {"column": "text", "min_value": 1, "max_value": 10}),
    ("expect_column_values_to_match_regex", {"column": "label_id", "regex": "^lb_[0-9]+$"}),
    ("expect_column_values_to_not_match_regex", {"column": "text", "regex": "\\s\\s"}),
]  # fmt: skip


def _ours(kind: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    con = duckdb.connect()
    table = pa.table(ROWS)
    con.from_arrow(table).create("t")
    con.execute(
        "CREATE VIEW labels AS SELECT label_id, score, class, text, 'ref' AS source_ref FROM t"
    )
    con.execute(FAILS)
    e = Expectation(
        "s", 0, kind, kwargs, {"name": "e", "table": "labels", "figure": "distribution"}, None
    )
    return evaluate(con, [Suite("s", Path("s.json"), (e,))])["e"]


@pytest.fixture(scope="module")
def ge_validator() -> Any:
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("agreement")
    asset = source.add_dataframe_asset("labels")
    batch_def = asset.add_batch_definition_whole_dataframe("all")
    frame = pa.table(ROWS).to_pandas()
    return batch_def.get_batch(batch_parameters={"dataframe": frame})


@pytest.mark.parametrize(
    ("kind", "kwargs"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_duckdb_evaluator_equals_ge_pandas(
    ge_validator: Any, kind: str, kwargs: dict[str, Any]
) -> None:

    from great_expectations.expectations.registry import get_expectation_impl

    cls = get_expectation_impl(kind)
    theirs = ge_validator.validate(cls(**kwargs), result_format="COMPLETE").to_json_dict()
    ours = _ours(kind, kwargs)
    assert ours["success"] == theirs["success"]
    assert ours["result"]["unexpected_count"] == theirs["result"]["unexpected_count"]
    assert ours["result"]["element_count"] == theirs["result"]["element_count"]
    assert sorted(map(str, ours["result"]["partial_unexpected_list"])) == sorted(
        map(str, theirs["result"]["unexpected_list"])
    )
    assert ours["result"]["unexpected_percent"] == pytest.approx(
        theirs["result"]["unexpected_percent"]
    )
