"""Atomic stage outputs: build in a sibling work folder, then swap it in whole.

Every stage writes its output folder this way, so an interrupted or failed run leaves the
previous output as it was and a reader never sees a half-written folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from labelrelease.errors import OutputError


@contextmanager
def staging(out: Path, stage: str) -> Iterator[Path]:
    """A work folder beside ``out`` (``.NAME.STAGE-*``), removed afterwards whatever happens."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.{stage}-", dir=parent))
    except OSError as e:
        raise OutputError(f"cannot create a work folder in {parent}: {e.strerror}") from None
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def publish(built: Path, out: Path) -> None:
    """Swap ``built`` in as ``out``: readers see the old folder or the new one, never a mix."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(built, out)
    shutil.rmtree(old, ignore_errors=True)
