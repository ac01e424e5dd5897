"""The ``<meta>`` block of a CVAT export: labels with their attribute types, tasks with their
frame range and filter, the video file and its size."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element


@dataclass(frozen=True)
class Task:
    """A task's frames: ``start_frame`` to ``stop_frame`` every ``step`` frames."""

    task_id: str | None
    name: str | None
    start: int = 0
    stop: int | None = None
    step: int = 1

    def off_grid(self, frame: int) -> bool:
        """Whether ``frame`` is not one of the task's frames."""
        if frame < self.start or (self.stop is not None and frame > self.stop):
            return True
        return (frame - self.start) % self.step != 0


@dataclass
class Meta:
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """Label name → {attribute name: input_type}."""
    tasks: dict[str, Task] = field(default_factory=dict)
    source: str | None = None
    width: float | None = None
    height: float | None = None
    mode: str | None = None

    def task(self, task_id: str | None) -> Task | None:
        if task_id is not None and task_id in self.tasks:
            return self.tasks[task_id]
        return next(iter(self.tasks.values())) if len(self.tasks) == 1 else None


_STEP = re.compile(r"step\s*=\s*(\d+)")


def read_meta(meta: Element) -> Meta:
    """Read a ``<meta>`` element."""
    out = Meta(source=_text(meta.find("source")))
    for label in meta.iter("label"):
        name = _text(label.find("name"))
        if name is None:
            continue
        specs = {}
        for a in label.iter("attribute"):
            a_name = _text(a.find("name"))
            if a_name is not None:
                specs[a_name] = _text(a.find("input_type")) or "text"
        out.labels[name] = specs
    for task in meta.iter("task"):
        t = _task(task)
        out.tasks[t.task_id or ""] = t
        out.mode = out.mode or _text(task.find("mode"))
        size = task.find("original_size")
        if size is not None:
            w, h = _text(size.find("width")), _text(size.find("height"))
            if w and h and w.isdigit() and h.isdigit():
                out.width, out.height = float(w), float(h)
    return out


def _task(task: Element) -> Task:
    start = _int(_text(task.find("start_frame"))) or 0
    stop = _int(_text(task.find("stop_frame")))
    match = _STEP.search(_text(task.find("frame_filter")) or "")
    step = int(match.group(1)) if match and int(match.group(1)) > 0 else 1
    return Task(_text(task.find("id")), _text(task.find("name")), start, stop, step)


def _text(elem: Element | None) -> str | None:
    if elem is None or elem.text is None:
        return None
    return elem.text.strip() or None


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None
