"""Reading the ``taxonomy``, ``text_policy``, ``review_policy`` and ``cross_modal`` sections."""

from __future__ import annotations

import re
from dataclasses import replace

from labelrelease.contract._node import Node
from labelrelease.contract.fields import KNOWN_SCRIPTS
from labelrelease.contract.link_rules import parse_rules
from labelrelease.contract.model import (
    BannedPattern,
    ClassDef,
    CrossModal,
    InventedObjects,
    Relation,
    ReviewPolicy,
    Taxonomy,
    TextLength,
    TextPolicy,
)
from labelrelease.model.schema import PASSES

TAXONOMY_KEYS = ("mode", "free_class_kinds", "classes")
TAXONOMY_MODES = ("strict", "open")
CLASS_KEYS = ("description", "synonyms", "kinds", "parent", "legacy")
TEXT_POLICY_KEYS = (
    "empty_is_null",
    "lengths",
    "languages",
    "scripts",
    "banned_terms",
    "banned_patterns",
    "invented_objects",
)
LENGTH_KEYS = ("min", "max")
INVENTED_KEYS = ("text_classes", "region_kinds", "require_mention")
REVIEW_KEYS = ("passes", "approvers", "auto_accept_model_labels")
CROSS_MODAL_KEYS = ("cross_item", "relations", "rules")
RELATION_KEYS = ("description", "from", "to")
ANY = "any"

LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
RELATION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


def parse_taxonomy(node: Node, kinds: tuple[str, ...]) -> Taxonomy:
    """The ``taxonomy`` section: mode, kinds with a free class, and the classes."""
    node.mapping(allowed=TAXONOMY_KEYS, required=("mode",))
    mode = node.child("mode").choice(TAXONOMY_MODES, "taxonomy mode")
    free = node.child("free_class_kinds").choices(kinds, "kind (not in the `kinds` section)")
    classes_node = node.child("classes")
    entries = {} if classes_node.missing else classes_node.mapping(what="class")
    classes = tuple(_parse_class(name, entry, kinds) for name, entry in entries.items())
    _check_parents(classes, classes_node)
    _check_synonyms(classes, classes_node)
    return Taxonomy(mode, free, classes)


def parse_text_policy(
    node: Node, kinds: tuple[str, ...], taxonomy: Taxonomy | None = None
) -> TextPolicy:
    """The ``text_policy`` section; absent keys take permissive defaults. ``taxonomy`` is what
    ``invented_objects.require_mention`` may name (None: no class)."""
    if node.missing:
        return TextPolicy()
    node.mapping(allowed=TEXT_POLICY_KEYS)
    empty = node.child("empty_is_null")
    patterns = node.child("banned_patterns")
    invented = node.child("invented_objects")
    return TextPolicy(
        empty_is_null=True if empty.missing else empty.boolean(),
        lengths=_parse_lengths(node.child("lengths")),
        languages=tuple(
            item.string(pattern=LANGUAGE_TAG, hint="use a BCP 47 tag such as en or pt-BR")
            for item in _items(node.child("languages"))
        ),
        scripts=node.child("scripts").choices(KNOWN_SCRIPTS, "script"),
        banned_terms=node.child("banned_terms").strings(),
        banned_patterns=() if patterns.missing else _parse_patterns(patterns),
        invented_objects=None
        if invented.missing
        else _parse_invented(invented, kinds, taxonomy or Taxonomy("open", (), ())),
    )


def parse_review_policy(node: Node) -> ReviewPolicy:
    """The ``review_policy`` section."""
    if node.missing:
        return ReviewPolicy(passes=PASSES)
    node.mapping(allowed=REVIEW_KEYS, required=("passes",))
    passes = node.child("passes").choices(PASSES, "pass")
    if not passes:
        raise node.child("passes").error(f"lists no pass; use some of {', '.join(PASSES)}")
    auto = node.child("auto_accept_model_labels")
    return ReviewPolicy(
        passes=passes,
        approvers=node.child("approvers").strings(),
        auto_accept_model_labels=False if auto.missing else auto.boolean(),
    )


def parse_cross_modal(node: Node, kinds: tuple[str, ...], taxonomy: Taxonomy) -> CrossModal:
    """The ``cross_modal`` section; absent, any relation is allowed within an item."""
    if node.missing:
        return CrossModal(open_relations=True)
    node.mapping(allowed=CROSS_MODAL_KEYS, required=("relations",))
    cross_item = node.child("cross_item")
    relations_node = node.child("relations")
    if relations_node.value == ANY:
        relations: tuple[Relation, ...] = ()
    else:
        entries = relations_node.mapping(what="relation")
        relations = tuple(_parse_relation(name, entry, kinds) for name, entry in entries.items())
    links = CrossModal(
        relations=relations,
        open_relations=relations_node.value == ANY,
        cross_item=False if cross_item.missing else cross_item.boolean(),
    )
    rules = parse_rules(node.child("rules"), kinds, taxonomy, links)
    return replace(links, rules=rules)


def _parse_class(name: str, node: Node, kinds: tuple[str, ...]) -> ClassDef:
    if not name.strip() or name != name.strip():
        raise node.error("a class name must not be empty or start or end with spaces")
    if node.missing:
        return ClassDef(name)
    node.mapping(allowed=CLASS_KEYS)
    parent, legacy, description = (
        node.child("parent"),
        node.child("legacy"),
        node.child("description"),
    )
    return ClassDef(
        name=name,
        synonyms=node.child("synonyms").strings(),
        kinds=node.child("kinds").choices(kinds, "kind (not in the `kinds` section)"),
        parent=None if parent.missing else parent.string(),
        legacy=False if legacy.missing else legacy.boolean(),
        description=None if description.missing else description.string(),
    )


def _check_parents(classes: tuple[ClassDef, ...], node: Node) -> None:
    by_name = {cls.name: cls for cls in classes}
    for cls in classes:
        if cls.parent is not None and cls.parent not in by_name:
            raise (
                node.child(cls.name)
                .child("parent")
                .error(
                    f"parent `{cls.parent}` is not a class of the taxonomy; add it or fix the name"
                )
            )
        seen = [cls.name]
        parent = cls.parent
        while parent is not None:
            if parent in seen:
                chain = " -> ".join([*seen, parent])
                raise node.child(cls.name).child("parent").error(f"parents form a cycle: {chain}")
            seen.append(parent)
            parent = by_name[parent].parent


def _check_synonyms(classes: tuple[ClassDef, ...], node: Node) -> None:
    owner = {cls.name.casefold(): cls.name for cls in classes}
    for cls in classes:
        for index, synonym in enumerate(cls.synonyms):
            key = synonym.casefold()
            if owner.setdefault(key, cls.name) != cls.name:
                raise Node(
                    None, path=node.path, key=f"{node.child(cls.name).key}.synonyms[{index}]"
                ).error(
                    f"synonym `{synonym}` already names class `{owner[key]}`; a word may stand "
                    "for one class only"
                )


def _parse_lengths(node: Node) -> tuple[TextLength, ...]:
    if node.missing:
        return ()
    lengths = []
    for text_class, spec in node.mapping(what="text class").items():
        spec.mapping(allowed=LENGTH_KEYS, required=LENGTH_KEYS)
        low, high = spec.child("min").count(), spec.child("max").count()
        if high < low:
            raise spec.child("max").error(f"is below min ({high} < {low})")
        lengths.append(TextLength(text_class, low, high))
    return tuple(lengths)


def _parse_patterns(node: Node) -> tuple[BannedPattern, ...]:
    patterns = []
    for name, entry in node.mapping(what="pattern name").items():
        pattern = entry.string()
        try:
            re.compile(pattern)
        except re.error as error:
            raise entry.error(f"is not a valid regular expression: {error}") from None
        patterns.append(BannedPattern(name, pattern))
    return tuple(patterns)


def _parse_invented(node: Node, kinds: tuple[str, ...], taxonomy: Taxonomy) -> InventedObjects:
    node.mapping(allowed=INVENTED_KEYS, required=INVENTED_KEYS[:2])
    required = node.child("require_mention")
    return InventedObjects(
        text_classes=node.child("text_classes").strings(),
        region_kinds=node.child("region_kinds").choices(kinds, "kind (not in the `kinds` section)"),
        require_mention=() if required.missing else _mentionable(required, taxonomy),
    )


def _mentionable(node: Node, taxonomy: Taxonomy) -> tuple[str, ...]:
    """Classes of the taxonomy a caption must name; each, and every class below it, must be
    nameable: a synonym on it or on a class above it."""
    names = node.choices(taxonomy.names(), "class (not in the taxonomy)")
    parents = {cls.name: cls.parent for cls in taxonomy.classes}
    worded = {cls.name for cls in taxonomy.classes if cls.synonyms}
    for item, name in zip(node.items(), names, strict=True):
        for cls in taxonomy.classes:
            up: list[str] = []
            node_name: str | None = cls.name
            while node_name is not None:
                up.append(node_name)
                node_name = parents.get(node_name)
            if name in up and not worded.intersection(up):
                raise item.error(
                    f"class `{cls.name}` (`{name}` or below it) has no synonym, nor has a class "
                    "above it: no caption can name it; add `synonyms` to it or to a parent"
                )
    return names


def _parse_relation(name: str, node: Node, kinds: tuple[str, ...]) -> Relation:
    Node(name, path=node.path, key=node.key).string(
        pattern=RELATION_NAME, hint="use letters, digits, `_`, `-` or `.`"
    )
    if node.missing:
        return Relation(name)
    node.mapping(allowed=RELATION_KEYS)
    description = node.child("description")
    return Relation(
        name=name,
        from_kinds=_kinds_or_any(node.child("from"), kinds),
        to_kinds=_kinds_or_any(node.child("to"), kinds),
        description=None if description.missing else description.string(),
    )


def _kinds_or_any(node: Node, kinds: tuple[str, ...]) -> tuple[str, ...]:
    if node.missing or node.value == ANY:
        return ()
    return node.choices(kinds, "kind (not in the `kinds` section)")


def _items(node: Node) -> list[Node]:
    return [] if node.missing else list(node.items())
