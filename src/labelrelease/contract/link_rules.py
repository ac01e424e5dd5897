"""Derived links: the ``cross_modal.rules`` of a contract.

A rule joins labels that no tool linked but that belong together by a rule the team wrote
down, e.g. a transcript cue is ``said_by`` the speaker turn it overlaps most, or a caption
phrase ``describes`` the boxes whose class it names. ``pull`` evaluates the rules in DuckDB
after import (:mod:`labelrelease.pull.derive`); the links they make carry origin ``rule`` and
the rule's name, so they are never taken for links a person drew.

    cross_modal:
      rules:
        cue_speaker:
          relation: said_by
          match: time_overlap         # the `to` label overlapping the `from` label most
          min_iou: 0.3                # ... with temporal IoU at least this
          from: {kinds: [text], classes: [transcript]}
          to: {kinds: [time_span], parent: Speaker}
        caption_objects:
          relation: describes
          match: synonym              # every `to` label whose class a word of the text names
          scope: annotation           # only labels of the same annotation (default: item)
          from: {kinds: [span, text]}
          to: {kinds: [box, polygon]}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from labelrelease.contract._node import Node
from labelrelease.contract.model import CrossModal, Taxonomy

RULE_KEYS = ("relation", "match", "min_iou", "scope", "from", "to", "description")
SELECTOR_KEYS = ("kinds", "classes", "parent")
MATCHES = ("time_overlap", "synonym")
SCOPES = ("item", "annotation")
RULE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
TIMED_KINDS = ("time_span", "frame_span", "text", "number", "box", "track")


@dataclass(frozen=True)
class Selector:
    """Which labels a rule end takes: by kind, by class, by a parent class (and all its
    descendants). Empty means any."""

    kinds: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class LinkRule:
    """One derived-link rule."""

    name: str
    relation: str
    match: str
    source: Selector
    target: Selector
    min_iou: float = 0.0
    scope: str = "item"
    description: str | None = None


def parse_rules(
    node: Node, kinds: tuple[str, ...], taxonomy: Taxonomy, cross_modal: CrossModal
) -> tuple[LinkRule, ...]:
    """The ``cross_modal.rules`` mapping (absent: no rules)."""
    if node.missing:
        return ()
    entries = node.mapping(what="rule")
    return tuple(
        _rule(name, entry, kinds, taxonomy, cross_modal) for name, entry in entries.items()
    )


def _rule(
    name: str, node: Node, kinds: tuple[str, ...], taxonomy: Taxonomy, cross_modal: CrossModal
) -> LinkRule:
    Node(name, path=node.path, key=node.key).string(
        pattern=RULE_NAME, hint="use letters, digits, `_`, `-` or `.` (at most 64)"
    )
    node.mapping(allowed=RULE_KEYS, required=("relation", "match", "from", "to"))
    relation = node.child("relation").string()
    rel = cross_modal.relation(relation)
    if rel is None and not cross_modal.open_relations:
        known = ", ".join(r.name for r in cross_modal.relations)
        raise node.child("relation").error(
            f"relation `{relation}` is not in cross_modal.relations ({known}); add it there "
            "first, so derived links obey the same contract as drawn ones"
        )
    match = node.child("match").choice(MATCHES, "match")
    source = _selector(node.child("from"), kinds, taxonomy)
    target = _selector(node.child("to"), kinds, taxonomy)
    if rel is not None:
        for end, sel, allowed in (("from", source, rel.from_kinds), ("to", target, rel.to_kinds)):
            bad = [k for k in sel.kinds if allowed and k not in allowed]
            if bad:
                raise node.child(end).error(
                    f"kind(s) {', '.join(bad)} cannot be the `{end}` end of relation "
                    f"`{relation}` (allowed: {', '.join(allowed)})"
                )
    min_iou = node.child("min_iou")
    iou = 0.0 if min_iou.missing else min_iou.number()
    if not 0.0 <= iou <= 1.0:
        raise min_iou.error("must be between 0 and 1")
    if match == "synonym" and not min_iou.missing:
        raise min_iou.error("applies only to `match: time_overlap`")
    scope = node.child("scope")
    description = node.child("description")
    return LinkRule(
        name=name,
        relation=relation,
        match=match,
        source=source,
        target=target,
        min_iou=iou,
        scope="item" if scope.missing else scope.choice(SCOPES, "scope"),
        description=None if description.missing else description.string(),
    )


def _selector(node: Node, kinds: tuple[str, ...], taxonomy: Taxonomy) -> Selector:
    node.mapping(allowed=SELECTOR_KEYS)
    names = {cls.name for cls in taxonomy.classes}
    parent = node.child("parent")
    if not parent.missing and parent.string() not in names:
        raise parent.error(f"class `{parent.value}` is not in the taxonomy")
    return Selector(
        kinds=node.child("kinds").choices(kinds, "kind (not in the `kinds` section)"),
        classes=node.child("classes").strings(),
        parent=None if parent.missing else parent.string(),
    )


def descendants(taxonomy: Taxonomy, name: str) -> set[str]:
    """``name`` and every class below it in the taxonomy."""
    children: dict[str, list[str]] = {}
    for cls in taxonomy.classes:
        if cls.parent is not None:
            children.setdefault(cls.parent, []).append(cls.name)
    found, todo = {name}, [name]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
