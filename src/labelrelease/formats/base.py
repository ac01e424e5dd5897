"""What an importer is: a named reader of one export format that can recognise its input."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from labelrelease.model.sink import RecordSink

HEAD_BYTES = 65_536
"""How much of a file detection may look at."""

Progress = Callable[[int], None]
"""Called with the number of input bytes consumed since the last call."""


@dataclass(frozen=True)
class SourceFile:
    """One input file and the source it belongs to."""

    path: Path
    display: str
    """The path as shown in ``source_ref`` and messages (as given, never resolved)."""
    source: str
    """The source name; part of every ID derived from this file."""
    guideline_version: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def ref(self, pointer: str = "") -> str:
        """A ``source_ref``: the file and a JSON pointer (or ``:line``) into it."""
        return f"{self.display}#{pointer}" if pointer else self.display


@dataclass
class ImportContext:
    """Where an importer puts what it reads, and what it may use to do so."""

    sink: RecordSink
    progress: Progress
    executor: Executor | None = None
    """Worker processes for importers that convert chunks in parallel (``None``: serial)."""
    workers: int = 1


class FileRejected(Exception):
    """Raised by an importer when a whole file cannot be taken; the file is quarantined."""

    def __init__(self, reason_code: str, message: str, excerpt: Any = None) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message
        self.excerpt = excerpt


class Importer(ABC):
    """Reads one export format into canonical rows.

    Subclasses set :attr:`name` (the ``--format`` value) and :attr:`summary`, implement
    :meth:`detect` and :meth:`read`, and are registered with
    :func:`labelrelease.formats.registry.register`.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    option_names: ClassVar[tuple[str, ...]] = ()
    """Per-source options this importer understands (anything else is a config error)."""

    @classmethod
    @abstractmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """Whether ``path`` (whose first bytes are ``head``) looks like this format."""

    @abstractmethod
    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Import ``src`` into ``ctx.sink``; raise :class:`FileRejected` for a file that is
        unusable as a whole."""
