"""Where in the chain each guideline version starts: a label made under version V gets only
the migrations after the one that produced V."""

from __future__ import annotations

import re

from labelrelease.errors import GuidelineVersionError
from labelrelease.migrate.chain import Chain


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a version string: numeric parts as numbers ("1.10" after "1.9")."""
    parts = re.split(r"[.+-]", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def start_positions(chain: Chain, versions: list[str]) -> dict[str, int]:
    """For each version, the 1-based position of the first migration to apply to it
    (``len(chain) + 1``: already at head, nothing to apply)."""
    produced = {m.guideline_version: i for i, m in enumerate(chain.migrations, 1)}
    starts: dict[str, int] = {}
    first = chain.migrations[0].guideline_version if chain.migrations else None
    for version in versions:
        if version in produced:
            starts[version] = produced[version] + 1
        elif first is not None and version_key(version) < version_key(first):
            starts[version] = 1  # made before the chain's first change: apply all of it
        elif first is None:
            starts[version] = 1
        else:
            raise GuidelineVersionError(
                f"annotations carry guideline version {version!r}, which no migration produces "
                f"and which is not older than the chain's first ({first!r}); fix the source's "
                "`guideline_version` option in pipelines/sources.yaml, or add the migration "
                "that produces it",
                str(chain.folder),
            )
    return starts
