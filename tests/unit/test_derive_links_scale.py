"""Derived links at scale: the check for links a tool already holds stays a hash join."""

from __future__ import annotations

import random
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


def _said_by(rows: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    _counts, links = run(rows)
    return {
        k["from_label_id"]: (k["to_label_id"], k["attributes"])
        for k in links
        if k["rule"] == "cue_speaker"
    }


def cue(label_id: str, start: float, end: float, item: str) -> dict[str, Any]:
    return label(label_id, "text", "transcript", item=item, ann="vtt", text="hi",
                 t_start=start, t_end=end)  # fmt: skip


def turn(label_id: str, start: float, end: float, item: str, cls: str = "SPEAKER_A") -> Any:
    return label(label_id, "time_span", cls, item=item, ann="rttm", t_start=start, t_end=end)


def test_time_overlap_pairs_long_labels_on_either_side() -> None:
    """Labels too long to bucket (over 64 buckets of 10 s) are paired with every label of
    their item, on either side of the rule."""
    rows = [
        cue("short", 0.0, 300.0, "i2"), turn("long_t", 0.0, 700.0, "i2"),
        cue("long", 0.0, 700.0, "i3"), turn("short_t", 0.0, 600.0, "i3"),
        cue("both", 0.0, 700.0, "i4"), turn("both_t", 100.0, 800.0, "i4"),
    ]  # fmt: skip
    assert _said_by(rows) == {
        "short": ("long_t", '{"iou":0.428571}'),  # 300 / 700
        "long": ("short_t", '{"iou":0.857143}'),  # 600 / 700
        "both": ("both_t", '{"iou":0.75}'),  # 600 / 800
    }


def test_time_overlap_matches_the_item_wide_definition() -> None:
    """Random cues and turns (short, long, on bucket edges, touching) link exactly as the
    rule says when every cue is compared with every turn of its item."""
    rng = random.Random(7)
    rows, cues, turns = [], [], []
    for n in range(400):
        item = f"i{rng.randrange(4)}"
        start = rng.choice([rng.uniform(0, 900), float(rng.randrange(0, 90) * 10)])
        length = rng.choice([rng.uniform(0.1, 12), float(rng.randrange(1, 4) * 10),
                             rng.uniform(600, 900)])  # fmt: skip
        if n % 2:
            rows.append(cue(f"c{n:03d}", start, start + length, item))
            cues.append((f"c{n:03d}", item, start, start + length))
        else:
            rows.append(turn(f"t{n:03d}", start, start + length, item))
            turns.append((f"t{n:03d}", item, start, start + length))
    expected = {}
    for cid, item, fs, fe in cues:
        best: tuple[float, str] | None = None
        for tid, titem, ts, te in turns:
            if titem != item or not (fs < te and ts < fe):
                continue
            iou = (min(fe, te) - max(fs, ts)) / (max(fe, te) - min(fs, ts))
            if best is None or iou > best[0] or (iou == best[0] and tid < best[1]):
                best = (iou, tid)
        if best is not None and best[0] >= 0.3:
            expected[cid] = best[1]
    found = {k: v[0] for k, v in _said_by(rows).items()}
    assert len(expected) > 50
    assert found == expected
