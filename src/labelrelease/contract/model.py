"""The task contract as frozen, hashable values (DESIGN §5).

A :class:`Contract` is what ``pipelines/contract.yaml`` says, checked and normalised: every list is
a tuple, every name is known. Build one with :func:`labelrelease.contract.load_contract` or
:func:`labelrelease.contract.default_contract`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from labelrelease.contract.fields import OP_SYMBOLS

if TYPE_CHECKING:
    from labelrelease.contract.link_rules import LinkRule


@dataclass(frozen=True)
class Bound:
    """One side of a range: ``op`` is gt, ge, lt or le; the bound is a number or another field."""

    op: str
    value: float | None = None
    other_field: str | None = None

    def __str__(self) -> str:
        target = self.other_field if self.other_field is not None else _number(self.value)
        return f"{OP_SYMBOLS[self.op]} {target}"


@dataclass(frozen=True)
class RangeRule:
    """Bounds a non-NULL numeric field must meet; ``kinds`` empty means every kind."""

    field: str
    bounds: tuple[Bound, ...]
    kinds: tuple[str, ...] = ()

    def describe(self) -> str:
        """The rule in words, e.g. "`rotation` must be >= 0 and < 360"."""
        return f"`{self.field}` must be " + " and ".join(str(bound) for bound in self.bounds)


@dataclass(frozen=True)
class KindRule:
    """What a label of one kind must, may and must not carry."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    must_be_null: tuple[str, ...] = ()
    ranges: tuple[RangeRule, ...] = ()
    min_points: int | None = None


@dataclass(frozen=True)
class ModalityRule:
    """A modality the dataset has, and the label kinds allowed on its assets."""

    modality: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class ClassDef:
    """A class of the taxonomy.

    ``synonyms`` are words a caption or transcript may use for it; ``kinds`` limits the label
    kinds it may appear on (empty: any kind); ``legacy`` marks a class of an earlier guideline
    that raw exports may still carry and a migration rewrites.
    """

    name: str
    synonyms: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    parent: str | None = None
    legacy: bool = False
    description: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    """The class taxonomy: ``mode`` strict (only listed classes) or open (any class)."""

    mode: str
    free_class_kinds: tuple[str, ...]
    classes: tuple[ClassDef, ...]

    @property
    def strict(self) -> bool:
        """Whether a class outside the taxonomy breaks the contract."""
        return self.mode == "strict"

    def names(self) -> tuple[str, ...]:
        """The class names, in contract order."""
        return tuple(cls.name for cls in self.classes)

    def get(self, name: str) -> ClassDef | None:
        """The class called ``name``, or None."""
        return next((cls for cls in self.classes if cls.name == name), None)

    def allows(self, kind: str, name: str, *, accept_legacy: bool = True) -> bool:
        """Whether a label of ``kind`` may carry class ``name``."""
        if not self.strict or kind in self.free_class_kinds:
            return True
        cls = self.get(name)
        if cls is None or (cls.legacy and not accept_legacy):
            return False
        return not cls.kinds or kind in cls.kinds


@dataclass(frozen=True)
class TextLength:
    """Length bounds, in characters, for ``text`` labels of one class (``default``: any other)."""

    text_class: str
    min: int
    max: int


@dataclass(frozen=True)
class BannedPattern:
    """A named regular expression that must not match a text label."""

    name: str
    pattern: str


@dataclass(frozen=True)
class InventedObjects:
    """What counts as an invented object: a text of one of ``text_classes`` names a class (or a
    synonym) that no label of ``region_kinds`` in the same item carries.

    The converse: a region of a class in ``require_mention`` (or of a class below one) on an item
    that has such a text must be named by one of them (by a synonym of its class or of a class
    above it)."""

    text_classes: tuple[str, ...]
    region_kinds: tuple[str, ...]
    require_mention: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextPolicy:
    """Rules for free text: emptiness, length, language, script, banned content."""

    empty_is_null: bool = True
    lengths: tuple[TextLength, ...] = ()
    languages: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    banned_terms: tuple[str, ...] = ()
    banned_patterns: tuple[BannedPattern, ...] = ()
    invented_objects: InventedObjects | None = None

    def length_for(self, text_class: str | None) -> TextLength | None:
        """The length bounds of a text class, falling back to ``default``; None if neither."""
        by_class = {length.text_class: length for length in self.lengths}
        return by_class.get(text_class or "default", by_class.get("default"))


@dataclass(frozen=True)
class ReviewPolicy:
    """Review passes, who may approve, and whether model labels may be accepted unreviewed."""

    passes: tuple[str, ...]
    approvers: tuple[str, ...] = ()
    auto_accept_model_labels: bool = False


@dataclass(frozen=True)
class Relation:
    """A link relation and the label kinds it may join; empty kinds mean any kind."""

    name: str
    from_kinds: tuple[str, ...] = ()
    to_kinds: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class CrossModal:
    """Allowed links: relations by name (``open_relations``: any name) and whether a link may
    join labels of two different items."""

    relations: tuple[Relation, ...] = ()
    open_relations: bool = False
    cross_item: bool = False
    rules: tuple[LinkRule, ...] = ()
    """Derived-link rules (``contract.link_rules``), evaluated by ``pull``."""

    def relation(self, name: str) -> Relation | None:
        """The relation called ``name``, or None."""
        return next((rel for rel in self.relations if rel.name == name), None)


@dataclass(frozen=True)
class Contract:
    """The task contract of a dataset; ``source`` names where it came from."""

    guideline_version: str
    modalities: tuple[ModalityRule, ...]
    kinds: tuple[KindRule, ...]
    ranges: tuple[RangeRule, ...]
    taxonomy: Taxonomy
    text_policy: TextPolicy
    review_policy: ReviewPolicy
    cross_modal: CrossModal
    source: str = "<built-in default contract>"

    @property
    def allowed_kinds(self) -> tuple[str, ...]:
        """Label kinds the contract allows, in contract order."""
        return tuple(rule.kind for rule in self.kinds)

    @property
    def allowed_modalities(self) -> tuple[str, ...]:
        """Asset modalities the contract allows, in contract order."""
        return tuple(rule.modality for rule in self.modalities)

    def kind(self, kind: str) -> KindRule | None:
        """The rule of ``kind``, or None if the contract does not allow it."""
        return next((rule for rule in self.kinds if rule.kind == kind), None)

    def kinds_for_modality(self, modality: str) -> tuple[str, ...]:
        """Label kinds allowed on assets of ``modality`` (empty if the modality is not allowed)."""
        rule = next((rule for rule in self.modalities if rule.modality == modality), None)
        return rule.kinds if rule else ()


def _number(value: float | None) -> str:
    if value is None:
        return "null"
    return str(int(value)) if float(value).is_integer() else repr(value)
