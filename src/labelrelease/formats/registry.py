"""Importers keyed by format name, and detection of a file's format."""

from __future__ import annotations

from pathlib import Path

from labelrelease.errors import FormatNotFoundError, InputError
from labelrelease.formats.base import HEAD_BYTES, Importer

_REGISTRY: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"format {cls.name!r} is registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def names() -> list[str]:
    """Registered format names, sorted."""
    _load_builtins()
    return sorted(_REGISTRY)


def get(name: str) -> type[Importer]:
    """The importer for format ``name``."""
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise FormatNotFoundError(
            f"unknown format {name!r}; known formats: {', '.join(names())}"
        ) from None


def read_head(path: Path) -> bytes:
    """The first bytes of ``path``, for detection."""
    try:
        with path.open("rb") as f:
            return f.read(HEAD_BYTES)
    except FileNotFoundError:
        raise InputError("file not found; check the path", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder; give the export files inside it", path=str(path)) from None
    except OSError as e:
        raise InputError(f"cannot be read ({e.strerror})", path=str(path)) from None


def detect(path: Path) -> type[Importer]:
    """The importer whose :meth:`~Importer.detect` claims ``path``."""
    _load_builtins()
    head = read_head(path)
    if not head.strip():
        raise FormatNotFoundError(
            "the file is empty, so its format cannot be detected; re-export it", path=str(path)
        )
    claims = [cls for name, cls in sorted(_REGISTRY.items()) if cls.detect(path, head)]
    if len(claims) == 1:
        return claims[0]
    tried = ", ".join(names())
    if not claims:
        raise FormatNotFoundError(
            f"no importer recognises this file (tried: {tried}); pass --format NAME if you "
            "know its format",
            path=str(path),
        )
    both = ", ".join(c.name for c in claims)
    raise FormatNotFoundError(
        f"several importers claim this file ({both}); pass --format NAME", path=str(path)
    )


def _load_builtins() -> None:
    # Importing the built-in format packages registers them.
    import labelrelease.formats.coco
    import labelrelease.formats.cvat
    import labelrelease.formats.doccano
    import labelrelease.formats.label_studio
    import labelrelease.formats.rttm
    import labelrelease.formats.srt
    import labelrelease.formats.textgrid
    import labelrelease.formats.webvtt  # noqa: F401
