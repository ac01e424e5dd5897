"""Property: for random tables and random chains of rename/merge/add/drop, nothing is lost
(every input label is in the output or filtered) and nothing changes silently (every changed
cell of a label has a `changes` row)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.migrate.helpers import label, mig, run, write_migrations, write_staged

CLASSES = ["A", "B", "C", "D"]
KEYS = ["p", "q"]

_op = st.one_of(
    st.builds(lambda a, b: f"{{op: rename_class, from: {a}, to: {b}}}",
              st.sampled_from(CLASSES), st.sampled_from(CLASSES)),
    st.builds(lambda a, b: f"{{op: merge_classes, from: [{a[0]}, {a[1]}], to: {b}}}",
              st.lists(st.sampled_from(CLASSES), min_size=2, max_size=2), st.sampled_from(CLASSES)),
    st.builds(lambda k, v: f"{{op: add_field, field: attributes.{k}, default: {v}}}",
              st.sampled_from(KEYS), st.integers(0, 3)),
    st.builds(lambda k: f"{{op: drop_field, field: attributes.{k}}}", st.sampled_from(KEYS)),
    st.just("{op: text_rule, max_length: 2, policy: filter}"),
)  # fmt: skip
_label = st.tuples(
    st.sampled_from(CLASSES),
    st.sampled_from([None, '{"p":1}', '{"q":2}', '{"p":0,"q":1}']),
    st.integers(0, 3),  # made under version 1.N (N clamped to the chain's length)
    st.text("ab", max_size=4),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(_label, min_size=1, max_size=12), st.lists(st.lists(_op, min_size=1, max_size=3),
                                                           min_size=1, max_size=3))  # fmt: skip
def test_nothing_is_lost_and_nothing_changes_silently(rows: list, chain: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        labels = [
            label(
                f"l{i}",
                f"an{i}",
                attributes=attrs,
                kind="text",
                text=text or None,
                **{"class": cls},
            )
            for i, (cls, attrs, _v, text) in enumerate(rows)
        ]
        versions = {f"an{i}": f"1.{min(v, len(chain))}" for i, (_c, _a, v, _t) in enumerate(rows)}
        staged = write_staged(root / "staged", labels, annotations=versions)
        docs, parent = [], None
        for i, ops in enumerate(chain, 1):
            docs.append(
                mig(
                    f"m{i}",
                    parent,
                    f"1.{i}",
                    "[" + ", ".join(ops) + "]",
                    fields="[class, attributes.p, attributes.q]",
                )
            )
            parent = f"m{i}"
        out = run(root, staged, write_migrations(root / "m", *docs))
        before = {r["label_id"]: r for r in labels}
        after = {r["label_id"]: r for r in out["labels"]}
        filtered = {r["label_id"] for r in out["relabel"] if r["policy"] == "filter"}
        assert set(before) == set(after) | filtered
        assert not set(after) & filtered
        changed = {(c["record_id"], c["field"].split(".")[0]) for c in out["changes"]
                   if c["table"] == "labels"}  # fmt: skip
        for lid, new in after.items():
            for column in ("class", "attributes", "text", "score"):
                if new[column] != before[lid][column]:
                    assert (lid, column) in changed, (lid, column)
