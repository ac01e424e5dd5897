"""Rich progress bars for long work (shown only on a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from labelrelease.pull.run import FileProgress


class _Bytes(DownloadColumn):
    """Bytes done/total, for files only (steps of unknown length show none)."""

    def render(self, task: Task) -> Text:
        return Text("") if task.fields.get("step") else super().render(task)


@contextmanager
def file_progress(console: Console) -> Iterator[FileProgress]:
    """A per-file byte progress bar; silent when output is not a terminal."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        _Bytes(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )

    def start(display: str, size: int) -> Callable[[int], None]:
        if size <= 0:  # work of unknown length: a pulsing bar, finished by any call
            step = progress.add_task(display, total=None, step=True)
            return lambda _n: progress.update(step, total=1, completed=1)
        task = progress.add_task(display, total=size)
        return lambda n: progress.advance(task, n)

    with progress:
        yield start
