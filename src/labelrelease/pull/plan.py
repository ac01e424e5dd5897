"""Which files a pull reads, with which importer and under which source name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from labelrelease.errors import ConfigError, UsageError
from labelrelease.formats import registry
from labelrelease.formats.base import SourceFile
from labelrelease.project import inside
from labelrelease.pull.run import PullInput
from labelrelease.pull.sources import NAME, expand, load_sources

PATH_OPTIONS = ("label_config", "uem")
"""Options that name a file: relative to the project root, and never outside it."""


def plan_files(
    paths: Sequence[Path],
    fmt: str | None,
    source: str | None,
    guideline_version: str,
    options: dict[str, Any] | None = None,
) -> list[PullInput]:
    """Inputs for files named on the command line (each detected unless ``fmt`` is given)."""
    if source is not None and not NAME.match(source):
        raise UsageError("--source must be 1-64 letters, digits, '.', '_' or '-'")
    forced = registry.get(fmt) if fmt else None
    inputs = []
    for path in paths:
        registry.read_head(path)  # a clear error for a missing or unreadable path
        importer = forced or registry.detect(path)
        name = source or str(path)
        inputs.append(
            PullInput(
                SourceFile(path, str(path), name, guideline_version, dict(options or {})), importer
            )
        )
    return inputs


def plan_sources(sources_file: Path, root: Path, guideline_version: str) -> list[PullInput]:
    """Inputs for every file of every source in a sources file."""
    origin = str(sources_file)
    inputs = []
    for source in load_sources(sources_file, root):
        forced = registry.get(source.format) if source.format else None
        options = dict(source.options)
        if forced is not None:
            unknown = set(options) - set(forced.option_names)
            if unknown:
                raise ConfigError(
                    f"source {source.name!r}: unknown option(s) {sorted(unknown)} for format "
                    f"{forced.name}; allowed: {', '.join(forced.option_names)}",
                    path=origin,
                )
        for key in PATH_OPTIONS:
            if key in options:
                options[key] = str(inside(root, str(options[key]), what=key, origin=origin))
        version = str(options.pop("guideline_version", guideline_version))
        for path in expand(source, root, origin):
            importer = forced or registry.detect(path)
            display = path.relative_to(root).as_posix()
            inputs.append(
                PullInput(
                    SourceFile(path, display, source.name, version, options, source.binding),
                    importer,
                )
            )
    return inputs
