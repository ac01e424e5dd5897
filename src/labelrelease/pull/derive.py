"""Derived links: evaluate the contract's ``cross_modal.rules`` over the assembled tables.

Runs in DuckDB after every imported record has been checked and every dangling reference
dropped, so rules see exactly the labels that will be published. A derived link belongs to
the annotation of its ``from`` label, carries ``origin = 'rule'`` and the rule's name, and an
``attributes`` object saying why (the overlap, or the word that named the class). A link a
tool already holds between the same two labels with the same relation is not derived again.

- ``time_overlap``: each ``from`` label (with ``t_start``/``t_end``) links to the ``to`` label of
  the same item (or annotation) it overlaps most, if their temporal IoU reaches ``min_iou``;
  ties go to the smaller label ID.
- ``synonym``: the ``from`` label's text is split into words (and word pairs); a word that is a
  synonym of a taxonomy class links the label to every ``to`` label of that class or of a class
  below it.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from labelrelease.contract.link_rules import LinkRule, Selector, descendants
from labelrelease.contract.model import Contract

_LINK_ID = "'lk_' || left(md5(concat_ws(chr(31), 'rule', $rule, from_id, to_id)), 20)"


def derive_links(con: duckdb.DuckDBPyConnection, contract: Contract) -> dict[str, int]:
    """Insert the links of every rule of ``contract`` into ``links``; return counts per rule."""
    counts: dict[str, int] = {}
    if contract.cross_modal.rules:
        _register_synonyms(con, contract)
    for rule in contract.cross_modal.rules:
        before = _count(con)
        pairs = _time_pairs(rule) if rule.match == "time_overlap" else _synonym_pairs(rule)
        params: dict[str, object] = {
            "rule": rule.name,
            "relation": rule.relation,
            "ref": f"{contract.source}#/cross_modal/rules/{rule.name}",
            **_selector_params("f", rule.source, contract),
            **_selector_params("t", rule.target, contract),
        }
        if rule.match == "time_overlap":
            params["min_iou"] = rule.min_iou
        # Two NOT EXISTS, one per direction, not one with an OR: each is a hash anti-join,
        # where the OR made DuckDB compare every pair with every link (a nested loop,
        # quadratic in the labels: 4 s of CPU at 1M labels, 100x that at 10M).
        con.execute(
            f"""INSERT INTO links (link_id, item_id, annotation_id, from_label_id, to_label_id,
                   relation, direction, origin, rule, attributes, source_ref)
            SELECT {_LINK_ID}, item_id, annotation_id, from_id, to_id, $relation, 'right',
                   'rule', $rule, why, $ref
            FROM ({pairs}) AS p
            WHERE NOT EXISTS (
                SELECT 1 FROM links k WHERE k.relation = $relation
                AND k.from_label_id = p.from_id AND k.to_label_id = p.to_id)
            AND NOT EXISTS (
                SELECT 1 FROM links k WHERE k.relation = $relation
                AND k.from_label_id = p.to_id AND k.to_label_id = p.from_id)""",
            params,
        )
        counts[rule.name] = _count(con) - before
    return counts


def _count(con: duckdb.DuckDBPyConnection) -> int:
    ((n,),) = con.execute("SELECT count(*) FROM links").fetchall()
    return int(n)


def _selected(alias: str, sel: Selector) -> str:
    """A condition on the labels ``alias`` (fixed SQL; the values are parameters)."""
    parts = ["TRUE"]
    if sel.kinds:
        parts.append(f"list_contains(${alias}_kinds, {alias}.kind)")
    if sel.classes or sel.parent:
        parts.append(f"list_contains(${alias}_classes, {alias}.class)")
    return " AND ".join(parts)


def _selector_params(alias: str, sel: Selector, contract: Contract) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    if sel.kinds:
        params[f"{alias}_kinds"] = list(sel.kinds)
    if sel.classes or sel.parent:
        classes = set(sel.classes)
        if sel.parent:
            classes |= descendants(contract.taxonomy, sel.parent)
        params[f"{alias}_classes"] = sorted(classes)
    return params


def _scope(rule: LinkRule) -> str:
    same = "f.item_id = t.item_id"
    return same + (" AND f.annotation_id = t.annotation_id" if rule.scope == "annotation" else "")


def _time_pairs(rule: LinkRule) -> str:
    return f"""
        SELECT from_id, to_id, item_id, annotation_id,
               json_object('iou', round(iou, 6)) AS why
        FROM (
            SELECT *, row_number() OVER (PARTITION BY from_id ORDER BY iou DESC, to_id) AS rank
            FROM (
                SELECT f.label_id AS from_id, t.label_id AS to_id, f.item_id, f.annotation_id,
                       (least(f.t_end, t.t_end) - greatest(f.t_start, t.t_start))
                       / nullif(greatest(f.t_end, t.t_end) - least(f.t_start, t.t_start), 0)
                       AS iou
                FROM labels f JOIN labels t ON {_scope(rule)} AND f.label_id <> t.label_id
                WHERE {_selected("f", rule.source)} AND {_selected("t", rule.target)}
                  AND f.t_start < t.t_end AND t.t_start < f.t_end))
        WHERE rank = 1 AND iou >= $min_iou"""


def _synonym_pairs(rule: LinkRule) -> str:
    return f"""
        SELECT from_id, to_id, item_id, annotation_id, json_object('word', min(word)) AS why
        FROM (
            SELECT f.label_id AS from_id, t.label_id AS to_id, f.item_id, f.annotation_id,
                   s.word
            FROM (
                SELECT label_id, item_id, annotation_id, unnest(
                    list_concat(toks, list_transform(
                        range(1, len(toks)), lambda i: toks[i] || ' ' || toks[i + 1]))
                ) AS word
                FROM (
                    SELECT f.label_id, f.item_id, f.annotation_id, list_filter(
                        regexp_split_to_array(lower(f.text), '[^\\p{{L}}\\p{{N}}]+'),
                        lambda x: x <> '') AS toks
                    FROM labels f WHERE f.text IS NOT NULL AND {_selected("f", rule.source)})
            ) AS f
            JOIN rule_synonyms s ON s.word = f.word
            JOIN labels t ON {_scope(rule)} AND t.class = s.class AND f.label_id <> t.label_id
            WHERE {_selected("t", rule.target)})
        GROUP BY ALL"""


def _register_synonyms(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """``rule_synonyms(word, class)``: each synonym of a class names it and every class below."""
    words: list[str] = []
    classes: list[str] = []
    for cls in contract.taxonomy.classes:
        for synonym in cls.synonyms:
            word = " ".join(synonym.lower().split())
            for name in sorted(descendants(contract.taxonomy, cls.name)):
                words.append(word)
                classes.append(name)
    table = pa.table({"word": pa.array(words, pa.string()), "class": pa.array(classes)})
    con.register("rule_synonyms_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE rule_synonyms AS SELECT * FROM rule_synonyms_arrow")
    con.unregister("rule_synonyms_arrow")
