"""Recognise the shapes a Label Studio record comes in and bring them to one: a task with
``data``, its annotations and its predictions, each with the JSON pointer it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labelrelease.formats.label_studio.config import LabelConfig
from labelrelease.formats.label_studio.results import LABEL_KEYS
from labelrelease.formats.label_studio.values import BadResult

REF_KEY = "__ref__"
"""Key of a result made from a JSON-MIN row that says where the region is in the file."""

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
    data_pointer: str = ""
    """Where ``data`` is in the file."""


def normalise(record: Any, pointer: str, config: LabelConfig | None = None) -> Task:
    """Bring one top-level record to a :class:`Task`, or raise :class:`BadResult`."""
    if not isinstance(record, dict):
        raise BadResult("not_a_task", None, f"expected a task object, got {type(record).__name__}")
    if isinstance(record.get("annotation"), dict) and isinstance(record.get("task"), dict):
        return _payload(record, pointer)
    if "data" in record or any(_is_pass_list(record.get(k)) for k in PASS_KEYS):
        return _full(record, pointer)
    if isinstance(record.get("result"), list):
        body = record
        return Task(
            record.get("task"),
            {},
            [Pass(body, pointer, False, 0)],
            raw=record,
            data_pointer=f"{pointer}/data",
        )
    if "annotation_id" in record or "annotator" in record:
        return _json_min(record, pointer, config)
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
    task = Task(record.get("id"), data, raw=record, data_pointer=f"{pointer}/data")
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


def _json_min(record: dict[str, Any], pointer: str, config: LabelConfig | None) -> Task:
    """The JSON-MIN shape: data keys and control names side by side in one flat object.

    With a labeling config, a key that names a control is a result whatever its shape (a single
    choice or text is a plain string); without one, only lists of region objects are."""
    data: dict[str, Any] = {}
    result: list[dict[str, Any]] = []
    controls = config.controls if config else {}
    for key, value in record.items():
        if key in JSON_MIN_META:
            continue
        control = controls.get(key)
        if control is not None:
            result += _min_control(key, control.tag, control.to_name, value, f"{pointer}/{key}")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            result += [
                _min_result(key, key, _min_type(v), v, f"{pointer}/{key}/{i}")
                for i, v in enumerate(value)
            ]
        else:
            data[key] = value
    body = {
        "id": record.get("annotation_id"),
        "completed_by": record.get("annotator"),
        "created_at": record.get("created_at"),
        "lead_time": record.get("lead_time"),
        "result": result,
    }
    return Task(
        record.get("id"), data, [Pass(body, pointer, False, 0)], raw=record, data_pointer=pointer
    )


_MIN_TYPES = (
    *(key for key in LABEL_KEYS if key != "labels"),  # specific types before plain labels
    "labels",
    "taxonomy",
    "choices",
    "rating",
    "number",
    "datetime",
)
_MIN_VALUE_KEY = {
    "choices": "choices",
    "taxonomy": "taxonomy",
    "textarea": "text",
    "rating": "rating",
    "number": "number",
    "datetime": "datetime",
}


def _min_control(key: str, tag: str, to_name: str, value: Any, ref: str) -> list[dict[str, Any]]:
    """Results of one control of a JSON-MIN row, typed by the config."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [
            _min_result(key, to_name, _min_type(v, tag), v, f"{ref}/{i}")
            for i, v in enumerate(value)
        ]
    inner = _MIN_VALUE_KEY.get(tag)
    if inner is None:  # a region control whose value is not a list of regions
        return [_min_result(key, to_name, tag, {"__raw__": value}, ref)]
    wrapped = value if isinstance(value, list) or inner not in ("choices", "text") else [value]
    return [_min_result(key, to_name, tag, {inner: wrapped}, ref)]


def _min_type(value: dict[str, Any], tag: str | None = None) -> str:
    found = next((t for t in _MIN_TYPES if t in value), None)
    if found is not None:
        return found
    if "text" in value and "start" not in value:
        return "textarea"
    if tag:
        return tag
    return "rectangle" if "width" in value and "x" in value else "labels"


def _min_result(
    key: str, to_name: str, rtype: str, value: dict[str, Any], ref: str
) -> dict[str, Any]:
    return {
        "id": ref,
        "type": rtype,
        "from_name": key,
        "to_name": to_name,
        "value": value,
        "original_width": value.get("original_width"),
        "original_height": value.get("original_height"),
        REF_KEY: ref,
    }
