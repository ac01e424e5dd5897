"""``pipelines/sources.yaml``: where raw labels come from."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labelrelease.errors import ConfigError
from labelrelease.formats.base import ItemBinding
from labelrelease.project import inside, load_yaml

SOURCE_KEYS = {"name", "format", "paths", "options", "item_key"}
BINDING_KEYS = {"group", "key", "mapping", "asset"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KEY = re.compile(r"^(stem|native|field:[A-Za-z0-9_.-]{1,64})$")


@dataclass(frozen=True)
class Source:
    """One named source: a format (or detection) and the files it covers."""

    name: str
    format: str | None
    paths: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    binding: ItemBinding | None = None


def load_sources(path: Path, root: Path | None = None) -> list[Source]:
    """Read and check a sources file (paths in it are relative to ``root``, the project)."""
    root = path.parent.parent if root is None else root
    origin = str(path)
    data = load_yaml(
        path,
        "sources file",
        "run `labelrelease pull` in a project folder that has one, or give export files: "
        "`labelrelease pull EXPORT.json --out DIR`",
    )
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise ConfigError("must have a `sources:` list", path=origin)
    extra = set(data) - {"sources"}
    if extra:
        raise ConfigError(
            f"unknown top-level key(s) {sorted(extra)}; allowed: sources", path=origin
        )
    sources, seen = [], set()
    for i, entry in enumerate(data["sources"]):
        key = f"sources[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError("must be a mapping with name and paths", path=origin, key=key)
        unknown = set(entry) - SOURCE_KEYS
        if unknown:
            raise ConfigError(
                f"unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(SOURCE_KEYS))}",
                path=origin,
                key=key,
            )
        name = entry.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            raise ConfigError(
                "`name` must be 1-64 letters, digits, '.', '_' or '-'",
                path=origin,
                key=f"{key}.name",
            )
        if name in seen:
            raise ConfigError(f"source name {name!r} is used twice", path=origin, key=key)
        seen.add(name)
        paths = entry.get("paths")
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise ConfigError(
                "`paths` must be a non-empty list of files or globs",
                path=origin,
                key=f"{key}.paths",
            )
        fmt = entry.get("format")
        if fmt is not None and not isinstance(fmt, str):
            raise ConfigError("`format` must be a format name", path=origin, key=f"{key}.format")
        options = entry.get("options") or {}
        if not isinstance(options, dict):
            raise ConfigError("`options` must be a mapping", path=origin, key=f"{key}.options")
        binding = None
        if "item_key" in entry:
            binding = _binding(entry["item_key"], root, origin, f"{key}.item_key")
        sources.append(Source(name, fmt, tuple(paths), options, binding))
    return sources


def _binding(value: Any, root: Path, origin: str, key: str) -> ItemBinding:
    """``item_key``: which sources build one item together, and by what key."""
    if not isinstance(value, dict):
        raise ConfigError(
            "must be a mapping like {group: clips, key: stem}; see docs/pull.md",
            path=origin,
            key=key,
        )
    unknown = set(value) - BINDING_KEYS
    if unknown:
        raise ConfigError(
            f"unknown key(s) {sorted(unknown)}; allowed: {', '.join(sorted(BINDING_KEYS))}",
            path=origin,
            key=key,
        )
    group = value.get("group")
    if not isinstance(group, str) or not NAME.match(group):
        raise ConfigError(
            "`group` must be 1-64 letters, digits, '.', '_' or '-': sources with the same "
            "group and key build one item",
            path=origin,
            key=f"{key}.group",
        )
    how = value.get("key", "stem")
    if not isinstance(how, str) or not KEY.match(how):
        raise ConfigError(
            "`key` must be stem (the media file's stem), native (the record's ID) or "
            "field:NAME (a field of the record)",
            path=origin,
            key=f"{key}.key",
        )
    asset = value.get("asset")
    if asset is not None and (not isinstance(asset, str) or not NAME.match(asset)):
        raise ConfigError(
            "`asset` must be an asset name like video", path=origin, key=f"{key}.asset"
        )
    mapping: dict[str, str] = {}
    if value.get("mapping") is not None:
        mapping = _mapping(value["mapping"], root, origin, f"{key}.mapping")
    return ItemBinding(group, how, mapping, asset)


def _mapping(value: Any, root: Path, origin: str, key: str) -> dict[str, str]:
    """A CSV file with the columns ``key`` and ``item``: a record's key -> the item key."""
    if not isinstance(value, str):
        raise ConfigError("`mapping` must be the path of a CSV file", path=origin, key=key)
    try:
        path = inside(root, value, what="mapping", origin=origin)
    except ConfigError as e:
        raise ConfigError(
            f"mapping {value!r} must be a path inside the project (relative, without `..`)",
            path=origin,
            key=key,
        ) from e
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        raise ConfigError(f"mapping file {value!r} does not exist", path=origin, key=key) from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise ConfigError(
            f"mapping file {value!r} cannot be read: {e}", path=origin, key=key
        ) from None
    mapping: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        k, item = (row.get("key") or "").strip(), (row.get("item") or "").strip()
        if not k or not item:
            raise ConfigError(
                f"{value}:{line}: needs a `key` and an `item` (header: key,item)",
                path=origin,
                key=key,
            )
        if mapping.get(k, item) != item:
            raise ConfigError(f"{value}:{line}: key {k!r} is mapped twice", path=origin, key=key)
        mapping[k] = item
    return mapping


def expand(source: Source, root: Path, origin: str) -> list[Path]:
    """The files of ``source``: its globs inside ``root``, sorted, without repeats."""
    files: list[Path] = []
    for pattern in source.paths:
        inside(root, pattern, what="path", origin=origin)
        matches = sorted(p for p in root.glob(pattern) if p.is_file())
        if not matches:
            raise ConfigError(f"source {source.name!r}: {pattern!r} matches no file", path=origin)
        files += [m for m in matches if m not in files]
    return files
