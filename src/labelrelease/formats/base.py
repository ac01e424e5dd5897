"""What an importer is: a named reader of one export format that can recognise its input."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from labelrelease.model.ids import make_id
from labelrelease.model.sink import RecordSink

HEAD_BYTES = 65_536
"""How much of a file detection may look at."""

Progress = Callable[[int], None]
"""Called with the number of input bytes consumed since the last call."""


@dataclass(frozen=True)
class ItemBinding:
    """How the items of a source join items of other sources (``item_key`` in sources.yaml).

    Sources bound to the same ``group`` whose records have the same key build one item: a
    video's boxes from one tool, its transcript from another, its speakers from a third.
    """

    group: str
    key: str = "stem"
    """``stem``: the stem of the record's media file name (else of the input file);
    ``native``: the record's own ID in its export; ``field:NAME``: the record's field NAME
    (for formats whose records have named fields, e.g. a Label Studio task's ``data``)."""
    mapping: Mapping[str, str] = field(default_factory=dict)
    """Optional table from a record's key (as chosen by ``key``) to the shared item key."""
    asset: str | None = None
    """Name of the asset the labels of this source go on (e.g. ``video``)."""

    def key_of(
        self, native: str, media: str | None, path: Path, fields: Mapping[str, Any] | None = None
    ) -> str:
        """The shared key of a record (see :attr:`key`), through :attr:`mapping`."""
        if self.key == "native":
            key = native
        elif self.key.startswith("field:"):
            value = (fields or {}).get(self.key[6:])
            key = native if value is None or isinstance(value, dict | list) else str(value)
        else:
            # without a media name, the stem of the record's own key (an RTTM file id, a
            # transcript's file): one file may hold several recordings
            key = PurePosixPath((media or native or path.name).split("?", 1)[0]).stem
        return self.mapping.get(key, key)


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
    binding: ItemBinding | None = None

    def item_id(
        self, native: str, media: str | None = None, fields: Mapping[str, Any] | None = None
    ) -> str:
        """The ID of the item of a record whose own key in the export is ``native`` and whose
        media file (URL or file name) is ``media`` (``fields``: the record's named fields, for
        a ``field:NAME`` key; without that field, ``native`` is used).

        Importers call this, never ``make_id`` for items, so that sources bound by
        ``item_key`` land in one item."""
        if self.binding is None:
            return make_id("items", self.source, native)
        key = self.binding.key_of(native, media, self.path, fields)
        return make_id("items", "@" + self.binding.group, key)

    def asset_name(self, default: str) -> str:
        """The name of the asset labels go on: the binding's, else ``default``."""
        if self.binding is not None and self.binding.asset:
            return self.binding.asset
        return default

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
