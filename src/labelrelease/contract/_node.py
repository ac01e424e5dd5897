"""A parsed YAML value with its key path, so that every error names file and key."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from typing import Any

from labelrelease.errors import ConfigError

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Node:
    """A value read from a YAML file, at key path ``key`` (e.g. ``kinds.box.required[2]``)."""

    def __init__(self, value: Any, *, path: str, key: str = "") -> None:
        self.value = value
        self.path = path
        self.key = key

    def error(self, message: str) -> ConfigError:
        """A ConfigError about this value that names the file and the key path."""
        return ConfigError(message, path=self.path, key=self.key or None)

    def child(self, name: str) -> Node:
        """The node at mapping key ``name`` (None if absent)."""
        value = self.value.get(name) if isinstance(self.value, dict) else None
        return Node(value, path=self.path, key=_join(self.key, name))

    @property
    def missing(self) -> bool:
        """Whether the value is absent or YAML null."""
        return self.value is None

    def mapping(
        self,
        *,
        allowed: Sequence[str] | None = None,
        required: Sequence[str] = (),
        what: str = "key",
    ) -> dict[str, Node]:
        """The entries of a mapping with string keys; unknown or missing keys are errors."""
        if not isinstance(self.value, dict):
            expected = f"a mapping with keys {_listing(allowed)}" if allowed else "a mapping"
            raise self.error(f"must be {expected}; got {_type_name(self.value)}")
        entries: dict[str, Node] = {}
        for raw_key, value in self.value.items():
            key = self._check_key(raw_key, allowed, what)
            entries[key] = Node(value, path=self.path, key=_join(self.key, key))
        for name in required:
            if name not in entries:
                raise self.error(f"missing required {what} `{name}`")
        return entries

    def items(self) -> Iterator[Node]:
        """The elements of a list (a single scalar counts as a one-element list)."""
        values = self.value if isinstance(self.value, list) else [self.value]
        if isinstance(self.value, dict):
            raise self.error(f"must be a list; got {_type_name(self.value)}")
        for index, value in enumerate(values):
            yield Node(value, path=self.path, key=f"{self.key}[{index}]")

    def string(self, *, pattern: re.Pattern[str] | None = None, hint: str = "") -> str:
        """A non-empty string (optionally matching ``pattern``)."""
        if not isinstance(self.value, str):
            quote = " (quote it)" if isinstance(self.value, int | float | bool) else ""
            raise self.error(f"must be a string{quote}; got {_type_name(self.value)}")
        if not self.value.strip():
            raise self.error("must not be empty")
        if pattern is not None and not pattern.fullmatch(self.value):
            raise self.error(f"`{self.value}` is not valid{'; ' + hint if hint else ''}")
        return self.value

    def boolean(self) -> bool:
        """A boolean (YAML true/false)."""
        if not isinstance(self.value, bool):
            raise self.error(f"must be true or false; got {_type_name(self.value)}")
        return self.value

    def number(self) -> float:
        """A number (an int or a float, not a boolean)."""
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.error(f"must be a number; got {_type_name(self.value)}")
        return float(self.value)

    def count(self) -> int:
        """A non-negative integer."""
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 0:
            raise self.error(f"must be a whole number >= 0; got {self.value!r}")
        return self.value

    def choice(self, allowed: Sequence[str], what: str) -> str:
        """A string that is one of ``allowed``."""
        value = self.string()
        if value not in allowed:
            raise self.error(f"unknown {what} `{value}`{_suggest(value, allowed)}")
        return value

    def choices(self, allowed: Sequence[str], what: str) -> tuple[str, ...]:
        """A list of distinct strings, each one of ``allowed``; empty if absent."""
        if self.missing:
            return ()
        seen: list[str] = []
        for item in self.items():
            value = item.choice(allowed, what)
            if value in seen:
                raise item.error(f"`{value}` is listed twice")
            seen.append(value)
        return tuple(seen)

    def strings(self) -> tuple[str, ...]:
        """A list of distinct non-empty strings; empty if absent."""
        if self.missing:
            return ()
        seen: list[str] = []
        for item in self.items():
            value = item.string()
            if value in seen:
                raise item.error(f"`{value}` is listed twice")
            seen.append(value)
        return tuple(seen)

    def _check_key(self, raw_key: Any, allowed: Sequence[str] | None, what: str) -> str:
        if raw_key is None:
            raise self.error(
                "a key reads as YAML null (`null`, `~` or nothing); write `must_be_null` for "
                "fields that must be NULL, or quote the key"
            )
        if not isinstance(raw_key, str):
            raise self.error(
                f"key `{raw_key}` is not a string; quote it (YAML reads yes/no/on/off/true/false "
                "as booleans and digits as numbers)"
            )
        if allowed is not None and raw_key not in allowed:
            raise ConfigError(
                f"unknown {what} `{raw_key}`{_suggest(raw_key, allowed)}",
                path=self.path,
                key=_join(self.key, raw_key),
            )
        return raw_key


def _join(parent: str, name: str) -> str:
    part = name if _PLAIN_KEY.match(name) else f'"{name}"'
    return f"{parent}.{part}" if parent else part


def _listing(names: Sequence[str]) -> str:
    return ", ".join(names)


_ALIASES = {
    "width": "w",
    "height": "h",
    "angle": "rotation",
    "start": "t_start",
    "end": "t_end",
    "label": "class",
    "labels": "class",
    "confidence": "score",
    "rle": "mask_rle",
    "gte": "ge",
    "lte": "le",
    "min": "ge",
    "max": "le",
    "null": "must_be_null",
    "nullable": "optional",
}
"""Names people write for a contract word; used only to suggest the right one."""


def _suggest(value: str, allowed: Sequence[str]) -> str:
    aliases = {alias: name for alias, name in _ALIASES.items() if name in allowed}
    close = difflib.get_close_matches(value.lower(), [*allowed, *aliases], n=1)
    hint = f" (did you mean `{aliases.get(close[0], close[0])}`?)" if close else ""
    return f"{hint}; allowed: {_listing(allowed)}"


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
