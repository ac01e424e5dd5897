"""Loading ``pipelines/contract.yaml`` into a :class:`~labelrelease.contract.model.Contract`."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from labelrelease.contract._node import Node
from labelrelease.contract.kinds import parse_kinds, parse_modalities, parse_ranges
from labelrelease.contract.model import Contract
from labelrelease.contract.policies import (
    parse_cross_modal,
    parse_review_policy,
    parse_taxonomy,
    parse_text_policy,
)
from labelrelease.errors import ConfigError
from labelrelease.project import safe_load

CONTRACT_PATH = "pipelines/contract.yaml"
"""Where a project keeps its contract, relative to the project root."""

SECTIONS = (
    "guideline_version",
    "modalities",
    "kinds",
    "ranges",
    "taxonomy",
    "text_policy",
    "review_policy",
    "cross_modal",
)
REQUIRED_SECTIONS = ("guideline_version", "modalities", "kinds", "taxonomy")
GUIDELINE_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")


def load_contract(path: str | Path) -> Contract:
    """Read and check the contract file at ``path``; raise ConfigError naming the bad key."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"contract file not found; create it (see docs/contract.md and {CONTRACT_PATH}) "
            "or pass `--contract PATH`",
            path=shown,
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the contract: {error}", path=shown) from None
    return parse_contract(text, source=shown)


def parse_contract(text: str, *, source: str) -> Contract:
    """Check contract YAML ``text``; ``source`` names it in errors."""
    try:
        data = safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"is not valid YAML{where}: {problem}", path=source) from None
    return contract_from_data(data, source=source)


def contract_from_data(data: object, *, source: str) -> Contract:
    """Check an already parsed contract (a mapping of sections)."""
    root = Node(data, path=source)
    if not isinstance(data, dict):
        raise root.error(
            f"must be a YAML mapping of sections ({', '.join(SECTIONS)}); "
            f"got {'an empty file' if data is None else type(data).__name__}"
        )
    root.mapping(allowed=SECTIONS, required=REQUIRED_SECTIONS, what="section")
    kinds = parse_kinds(root.child("kinds"))
    allowed = tuple(rule.kind for rule in kinds)
    modalities = parse_modalities(root.child("modalities"), allowed)
    taxonomy = parse_taxonomy(root.child("taxonomy"), allowed)
    return Contract(
        guideline_version=root.child("guideline_version").string(
            pattern=GUIDELINE_VERSION, hint='write a version such as "1.0" (quoted)'
        ),
        modalities=modalities,
        kinds=kinds,
        ranges=parse_ranges(root.child("ranges")),
        taxonomy=taxonomy,
        text_policy=parse_text_policy(root.child("text_policy"), allowed, taxonomy),
        review_policy=parse_review_policy(root.child("review_policy")),
        cross_modal=parse_cross_modal(root.child("cross_modal"), allowed, taxonomy),
        source=source,
    )


@cache
def default_contract() -> Contract:
    """The permissive contract used when a project has no contract file: every modality and
    kind, the structural fields of each kind, sanity ranges, an open taxonomy."""
    text = (
        resources.files("labelrelease.contract")
        .joinpath("default.yaml")
        .read_text(encoding="utf-8")
    )
    return parse_contract(text, source="<built-in default contract>")
