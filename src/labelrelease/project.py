"""The project files a stage reads: its section of ``params.yaml`` and paths inside the project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from labelrelease.errors import ConfigError


class _UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a mapping with the same key twice (YAML would keep the
    last one silently, so a pasted section could override the one above it unseen)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            continue  # not hashable; SafeLoader reports it
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} appears twice in one mapping (first at line {seen[key] + 1}); "
                "remove or rename one",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` that also refuses duplicate mapping keys."""
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def load_yaml(path: Path, what: str, hint: str = "") -> Any:
    """Parse a YAML file safely; errors name the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        detail = f"{what} not found" + (f"; {hint}" if hint else "")
        raise ConfigError(detail, path=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{what} is not UTF-8 text", path=str(path)) from None
    try:
        return safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"invalid YAML{where}: {problem}", path=str(path)) from None


def params_section(
    path: Path, section: str, allowed: dict[str, type | tuple[type, ...]]
) -> dict[str, Any]:
    """The ``section`` mapping of a params file, with unknown keys and wrong types refused."""
    data = load_yaml(path, "params file") or {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of stage names to settings", path=str(path))
    values = data.get(section) or {}
    if not isinstance(values, dict):
        raise ConfigError("must be a mapping", path=str(path), key=section)
    for key, value in values.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise ConfigError(
                f"unknown setting; allowed: {known}", path=str(path), key=f"{section}.{key}"
            )
        if not isinstance(value, allowed[key]) or (isinstance(value, bool) and allowed[key] is int):
            expected = allowed[key]
            names = (
                " or ".join(t.__name__ for t in expected)
                if isinstance(expected, tuple)
                else expected.__name__
            )
            raise ConfigError(
                f"must be {names}, got {value!r}", path=str(path), key=f"{section}.{key}"
            )
    return values


def inside(root: Path, relative: str, *, what: str, origin: str) -> Path:
    """``root / relative``, refusing absolute paths and paths that leave ``root``."""
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ConfigError(
            f"{what} {relative!r} must be a path inside the project (relative, without `..`)",
            path=origin,
        )
    return root / candidate
