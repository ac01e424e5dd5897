"""Derived links at scale: the check for links a tool already holds stays a hash join."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from labelrelease.model.schema import LABELS, LINKS
from labelrelease.pull.derive import derive_links
from tests.unit.test_derive_links import contract, label, run


def drawn(from_id: str, to_id: str) -> dict[str, Any]:
    row: dict[str, Any] = {f.name: None for f in LINKS}
    row.update(link_id="lk_drawn", item_id="it1", annotation_id="an1", from_label_id=from_id,
               to_label_id=to_id, relation="describes", direction="right", origin="human",
               source_ref="x")  # fmt: skip
    return row


def test_a_link_drawn_in_the_same_direction_is_not_derived_again() -> None:
    rows = [
        label("cap", "span", "Animals", text="the dog", char_start=0, char_end=7),
        label("dog", "box", "Dog", x=1.0, y=1.0, w=2.0, h=2.0),
        label("car", "box", "Car", x=1.0, y=1.0, w=2.0, h=2.0),
    ]
    counts, links = run(rows, [drawn("cap", "dog")])
    assert counts["caption_objects"] == 0
    assert [k["link_id"] for k in links] == ["lk_drawn"]


class _Explaining:
    """A connection that records the physical plan of every INSERT before running it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.plans: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)

    def execute(self, query: str, params: Any = None) -> duckdb.DuckDBPyConnection:
        if query.lstrip().startswith("INSERT"):
            rows = self.con.execute("EXPLAIN " + query, params).fetchall()
            self.plans.append("\n".join(str(r[1]) for r in rows))
        return self.con.execute(query, params)


def test_no_rule_compares_every_pair_with_every_link() -> None:
    """A nested-loop join here made derivation quadratic in the labels (an OR of two
    equalities in the NOT EXISTS); every join of the rules must be an equality join."""
    con = duckdb.connect()
    rows = [label("cap", "span", "Animals", text="the dog", char_start=0, char_end=7)]
    con.register("l_arrow", pa.Table.from_pylist(rows, schema=LABELS))
    con.execute("CREATE TABLE labels AS SELECT * FROM l_arrow")
    con.register("k_arrow", pa.Table.from_pylist([drawn("cap", "cap")], schema=LINKS))
    con.execute("CREATE TABLE links AS SELECT * FROM k_arrow")
    explaining = _Explaining(con)
    derive_links(explaining, contract())  # type: ignore[arg-type]
    assert len(explaining.plans) == 2
    for plan in explaining.plans:
        assert "HASH_JOIN" in plan.upper().replace(" ", "_")
        assert "NL_JOIN" not in plan.upper().replace(" ", "_"), plan
        assert "NESTED_LOOP" not in plan.upper().replace(" ", "_"), plan
