"""Recognise the shapes a Label Studio record comes in and bring them to one: a task with
``data``, its annotations and its predictions, each with the JSON pointer it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labelrelease.formats.label_studio.values import BadResult

PASS_KEYS = ("annotations", "completions", "predictions")
"""Keys of a task that hold its passes (``completions`` is Label Studio's old name)."""

JSON_MIN_META = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}


@dataclass
class Pass:
    """One annotation or prediction of a task, as found in the file."""

    body: dict[str, Any]
    pointer: str
    is_prediction: bool
    index: int


@dataclass
class Task:
    """A task brought to one shape."""

    task_id: Any
    data: dict[str, Any]
    passes: list[Pass] = field(default_factory=list)
    label_config: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def normalise(record: Any, pointer: str) -> Task:
    """Bring one top-level record to a :class:`Task`, or raise :class:`BadResult`."""
    if not isinstance(record, dict):
        raise BadResult("not_a_task", None, f"expected a task object, got {type(record).__name__}")
    if isinstance(record.get("annotation"), dict) and isinstance(record.get("task"), dict):
        return _payload(record, pointer)
    if "data" in record or any(_is_pass_list(record.get(k)) for k in PASS_KEYS):
        return _full(record, pointer)
    if isinstance(record.get("result"), list):
        body = record
        return Task(record.get("task"), {}, [Pass(body, pointer, False, 0)], raw=record)
    if "annotation_id" in record or "annotator" in record:
        return _json_min(record, pointer)
    keys = ", ".join(sorted(map(str, record))[:8]) or "none"
    raise BadResult(
        "not_a_task",
        None,
        f"not a Label Studio task (keys: {keys}); expected `data` with `annotations` or "
        "`predictions`",
    )


def _is_pass_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(p, dict) and "result" in p for p in value)


def _full(record: dict[str, Any], pointer: str) -> Task:
    data = record.get("data", {})
    if not isinstance(data, dict):
        raise BadResult("wrong_type", "data", "`data` must be an object")
    task = Task(record.get("id"), data, raw=record)
    for key in PASS_KEYS:
        is_pred = key == "predictions"
        passes = record.get(key)
        if passes is None:
            continue
        if not isinstance(passes, list):
            raise BadResult("wrong_type", key, f"`{key}` must be a list")
        task.passes.extend(
            Pass(body, f"{pointer}/{key}/{i}", is_pred, i) for i, body in enumerate(passes)
        )
    return task


def _payload(record: dict[str, Any], pointer: str) -> Task:
    """The ML-backend shape: ``{"annotation": …, "task": …, "project": {"label_config"}}``."""
    inner = record["task"]
    data = inner.get("data")
    if not isinstance(data, dict):
        raise BadResult("wrong_type", "task.data", "`task.data` must be an object")
    project = record.get("project")
    config = project.get("label_config") if isinstance(project, dict) else None
    task = Task(
        inner.get("id"), data, label_config=config if isinstance(config, str) else None, raw=inner
    )
    task.passes.append(Pass(record["annotation"], f"{pointer}/annotation", False, 0))
    return task


def _json_min(record: dict[str, Any], pointer: str) -> Task:
    """The JSON-MIN shape: data keys and control names side by side in one flat object."""
    data: dict[str, Any] = {}
    result: list[dict[str, Any]] = []
    for key, value in record.items():
        if key in JSON_MIN_META:
            continue
        regions = value if isinstance(value, list) else None
        if regions and all(isinstance(v, dict) for v in regions):
            for i, v in enumerate(regions):
                result.append(_min_result(key, i, v))
        else:
            data[key] = value
    body = {
        "id": record.get("annotation_id"),
        "completed_by": record.get("annotator"),
        "created_at": record.get("created_at"),
        "lead_time": record.get("lead_time"),
        "result": result,
    }
    return Task(record.get("id"), data, [Pass(body, pointer, False, 0)], raw=record)


_MIN_TYPES = (
    "rectanglelabels",
    "polygonlabels",
    "ellipselabels",
    "keypointlabels",
    "brushlabels",
    "polylinelabels",
    "hypertextlabels",
    "paragraphlabels",
    "timelinelabels",
    "labels",
    "taxonomy",
)


def _min_result(key: str, index: int, value: dict[str, Any]) -> dict[str, Any]:
    rtype = next((t for t in _MIN_TYPES if t in value), None)
    if rtype is None:
        rtype = "rectangle" if "width" in value and "x" in value else "labels"
    return {
        "id": f"{key}-{index}",
        "type": rtype,
        "from_name": key,
        "to_name": key,
        "value": value,
        "original_width": value.get("original_width"),
        "original_height": value.get("original_height"),
    }
