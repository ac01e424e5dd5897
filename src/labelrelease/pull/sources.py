"""``pipelines/sources.yaml``: where raw labels come from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labelrelease.errors import ConfigError
from labelrelease.project import inside, load_yaml

SOURCE_KEYS = {"name", "format", "paths", "options"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """One named source: a format (or detection) and the files it covers."""

    name: str
    format: str | None
    paths: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


def load_sources(path: Path) -> list[Source]:
    """Read and check a sources file."""
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
        sources.append(Source(name, fmt, tuple(paths), options))
    return sources


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
