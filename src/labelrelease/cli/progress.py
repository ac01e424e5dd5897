"""Rich progress bars for long work (shown only on a terminal)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from labelrelease.pull.run import FileProgress


@contextmanager
def file_progress(console: Console) -> Iterator[FileProgress]:
    """A per-file byte progress bar; silent when output is not a terminal."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )

    def start(display: str, size: int):  # type: ignore[no-untyped-def]
        task = progress.add_task(display, total=size or None)
        return lambda n: progress.advance(task, n)

    with progress:
        yield start
