"""The chain against the contract: every class, kind and relation an operation names must be
one the contract knows (the contract describes the head guideline)."""

from __future__ import annotations

import re

from labelrelease.contract.model import Contract
from labelrelease.errors import GuidelineVersionError, UnknownTargetError
from labelrelease.migrate.chain import Chain
from labelrelease.migrate.spec import Migration, Operation

SOURCES = {"rename_class": ("from",), "merge_classes": ("from",), "split_class": ("class",)}
TARGETS = {"rename_class": ("to",), "merge_classes": ("to",), "split_class": ("into", "default")}


def _names(op: Operation, keys: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = op.args.get(key)
        out.extend(value if isinstance(value, list) else [value] if value else [])
    return out


def validate_chain(chain: Chain, contract: Contract) -> None:
    """Refuse an operation on a class, kind or relation the contract does not know, and a head
    whose guideline version is not the contract's."""
    versions: dict[str, str] = {}
    for m in chain.migrations:
        if m.guideline_version in versions:
            raise GuidelineVersionError(
                f"guideline_version {m.guideline_version!r} is produced by both "
                f"{versions[m.guideline_version]} and {m.path.name}; each migration produces a "
                "new version",
                str(chain.folder),
            )
        versions[m.guideline_version] = m.path.name
    head = chain.head
    if head is not None and head.guideline_version != contract.guideline_version:
        raise GuidelineVersionError(
            f"the head migration {head.id} produces guideline version "
            f"{head.guideline_version!r} but the contract says {contract.guideline_version!r}; "
            f'set `guideline_version: "{head.guideline_version}"` in the contract (it '
            "describes the head guideline)",
            contract.source,
        )
    for i, m in enumerate(chain.migrations):
        earlier, later = chain.migrations[:i], chain.migrations[i + 1 :]
        produced = {
            c for e in earlier for op in e.operations for c in _names(op, TARGETS.get(op.op, ()))
        }
        consumed = {
            c for e in later for op in e.operations for c in _names(op, SOURCES.get(op.op, ()))
        }
        for op in m.operations:
            _check_op(op, m, contract, produced, consumed)


def _check_op(
    op: Operation, m: Migration, contract: Contract, produced: set[str], consumed: set[str]
) -> None:
    kinds = op.args.get("kinds") or []
    for kind in kinds:
        if kind not in contract.allowed_kinds:
            raise _unknown(op, m, f"label kind {kind!r}", "kinds", contract)
    taxonomy = contract.taxonomy
    free = bool(kinds) and set(kinds) <= set(taxonomy.free_class_kinds)
    if taxonomy.strict and not free and op.op != "text_rule":
        known = set(taxonomy.names())
        for name in _names(op, SOURCES.get(op.op, ("classes",))):
            if name not in known and name not in produced:
                raise _unknown(op, m, f"class {name!r}", "taxonomy (legacy: true if it is a "
                               "class of an earlier guideline)", contract)  # fmt: skip
        for name in _names(op, TARGETS.get(op.op, ())):
            if name not in known and name not in consumed:
                raise _unknown(op, m, f"class {name!r}", "taxonomy", contract)
    relations = contract.cross_modal
    if (
        op.op == "remap_relation"
        and not relations.open_relations
        and relations.relation(op.args["to"]) is None
    ):
        raise _unknown(op, m, f"relation {op.args['to']!r}", "cross_modal.relations", contract)
    if op.op == "text_rule" and "banned_pattern" in op.args:
        try:
            re.compile(op.args["banned_pattern"])
        except re.error as e:
            raise UnknownTargetError(
                f"banned_pattern is not a regular expression: {e}", op.where(m)
            ) from None


def _unknown(op: Operation, m: Migration, what: str, section: str, contract: Contract) -> Exception:
    return UnknownTargetError(
        f"{what} is not known to the contract {contract.source}; add it under `{section}` there, "
        "or fix the operation",
        str(m.path.parent / op.where(m)),
    )
