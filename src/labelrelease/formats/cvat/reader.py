"""Turn the ``<image>`` and ``<track>`` elements of a CVAT export into canonical rows.

An ``<image>`` is an item with one ``image`` asset and one pass; its shapes are labels. The
tracks of a video export share one item per task (a ``video`` asset); a box track is one
``track`` label with its keyframes, the keyframes of other tracks are one label each (their
frame in ``attributes.frame``).
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from labelrelease.formats.base import SourceFile
from labelrelease.formats.common import BadRecord, check_inside
from labelrelease.formats.cvat.meta import Meta, Task
from labelrelease.formats.cvat.shapes import (
    SHAPES,
    UNSUPPORTED,
    attr,
    box_corners,
    box_fields,
    shape_fields,
    typed,
)
from labelrelease.model.ids import make_id
from labelrelease.model.jsonutil import attrs
from labelrelease.model.sink import RecordSink


class Target:
    """An item's asset and pass that labels go on."""

    def __init__(
        self,
        item_id: str,
        asset_id: str,
        annotation_id: str,
        width: float | None,
        height: float | None,
    ) -> None:
        self.item_id, self.asset_id, self.annotation_id = item_id, asset_id, annotation_id
        self.width, self.height = width, height


class CvatReader:
    """Reads the elements of one CVAT file into a sink."""

    def __init__(self, src: SourceFile, sink: RecordSink) -> None:
        self.src, self.sink = src, sink
        self.meta = Meta()
        self.pass_name = str(src.options.get("pass", "visual"))
        self._videos: dict[str | None, Target] = {}
        self.n_images = 0
        self.n_tracks = 0

    # -- items --------------------------------------------------------------------------------
    def _target(
        self,
        key: str,
        media: str | None,
        modality: str,
        ref: str,
        width: float | None,
        height: float | None,
        item: dict[str, Any],
    ) -> Target:
        item_id = self.src.item_id(key, media)
        name = self.src.asset_name(modality)
        asset_id = make_id("assets", item_id, name)
        annotation_id = make_id("annotations", item_id, "cvat", self.src.path.name)
        add = self.sink.add
        add(
            "items",
            {
                "item_id": item_id,
                "source": self.src.source,
                "source_ref": ref,
                "is_gold": False,
                **item,
            },
        )
        add(
            "assets",
            {
                "asset_id": asset_id,
                "item_id": item_id,
                "name": name,
                "modality": modality,
                "uri": media,
                "width": _int(width),
                "height": _int(height),
                "source_ref": ref,
            },
        )
        add(
            "annotations",
            {
                "annotation_id": annotation_id,
                "item_id": item_id,
                "origin": "human",
                "pass": self.pass_name,
                "status": "submitted",
                "guideline_version": self.src.guideline_version,
                "attributes": attrs({"file": self.src.path.name}),
                "source_ref": ref,
            },
        )
        return Target(item_id, asset_id, annotation_id, width, height)

    # -- images -------------------------------------------------------------------------------
    def image(self, elem: Element) -> None:
        """Import one ``<image>`` and its shapes."""
        n = self.n_images
        self.n_images += 1
        ref = self.src.ref(f"/image/{n}")
        children = list(elem)
        try:
            image_id, name = attr(elem, "id"), attr(elem, "name")
            width, height = _size(elem)
        except BadRecord as e:
            self.sink.quarantine(
                "items", ref, e.reason_code, e.message, field=e.field, excerpt=dict(elem.attrib)
            )
            for k, child in enumerate(children):
                self.sink.quarantine(
                    "labels",
                    self.src.ref(f"/image/{n}/{k}"),
                    "dangling_image",
                    "the image of this shape was quarantined",
                    excerpt=dict(child.attrib),
                )
            return
        subset = elem.get("subset")
        key = "/".join(p for p in (elem.get("task_id"), subset, image_id) if p)
        item = {
            "split": subset,
            "attributes": attrs({"cvat_id": image_id, "task_id": elem.get("task_id")}),
        }
        target = self._target(key, name, "image", ref, width, height, item)
        for k, child in enumerate(children):
            self._shape(target, child, f"/image/{n}/{k}", k)

    def _shape(self, target: Target, elem: Element, pointer: str, k: int) -> None:
        ref = self.src.ref(pointer)
        try:
            cls = self._class(elem)
            if elem.tag == "tag":
                fields = [{"kind": "tag"}]
                if cls is None:
                    raise BadRecord("missing_field", "label", "a <tag> must name its label")
            elif elem.tag in SHAPES:
                fields = shape_fields(elem, target.width, target.height)
            else:
                raise _unsupported(elem)
        except BadRecord as e:
            self.sink.quarantine(
                "labels", ref, e.reason_code, e.message, field=e.field, excerpt=dict(elem.attrib)
            )
            return
        extra = self._extra(elem, cls)
        for i, f in enumerate(fields):
            part = [k] if len(fields) == 1 else [k, i]
            point = {"point_index": i} if elem.tag == "points" else {}
            self._label(
                target,
                make_id("labels", target.annotation_id, *part),
                cls,
                {**f},
                {**extra, **point},
                ref,
            )

    # -- tracks -------------------------------------------------------------------------------
    def track(self, elem: Element) -> None:
        """Import one ``<track>``."""
        n = self.n_tracks
        self.n_tracks += 1
        ref = self.src.ref(f"/track/{n}")
        task = self.meta.task(elem.get("task_id"))
        target = self._video(task, elem.get("task_id"))
        try:
            track_id, cls = attr(elem, "id"), self._class(elem)
            shapes = [c for c in elem if c.tag != "attribute"]
            if not shapes:
                raise BadRecord("missing_field", "box", "the track has no shapes")
            kinds = {c.tag for c in shapes}
            if len(kinds) > 1 or not kinds <= set(SHAPES):
                raise _unsupported(next((c for c in shapes if c.tag not in SHAPES), shapes[0]))
            frames = [self._frame(c, task) for c in shapes]
        except BadRecord as e:
            self.sink.quarantine(
                "labels", ref, e.reason_code, e.message, field=e.field, excerpt=dict(elem.attrib)
            )
            return
        keys = [c for c, _f in zip(shapes, frames, strict=True) if _is_key(c)]
        extra = {**self._extra(elem, cls), "track_id": track_id}
        if shapes[0].tag == "box":
            self._box_track(target, shapes, frames, track_id, cls, extra, ref)
            return
        for c, frame in zip(shapes, frames, strict=True):
            if c not in keys or c.get("outside") == "1":
                continue
            pointer = f"/track/{n}/{shapes.index(c)}"
            try:
                fields = shape_fields(c, target.width, target.height)
            except BadRecord as e:
                self.sink.quarantine(
                    "labels",
                    self.src.ref(pointer),
                    e.reason_code,
                    e.message,
                    field=e.field,
                    excerpt=dict(c.attrib),
                )
                continue
            for i, f in enumerate(fields):
                label_id = make_id("labels", target.annotation_id, "track", track_id, frame, i)
                more = {**extra, **self._extra(c, cls), "frame": frame}
                if c.tag == "points":
                    more["point_index"] = i
                self._label(target, label_id, cls, f, more, self.src.ref(pointer))

    def _box_track(
        self,
        target: Target,
        shapes: list[Element],
        frames: list[int],
        track_id: str,
        cls: str | None,
        extra: dict[str, Any],
        ref: str,
    ) -> None:
        keyframes = []
        try:
            for c, frame in zip(shapes, frames, strict=True):
                if not _is_key(c):
                    continue
                check_inside(box_corners(c), target.width, target.height)
                f = box_fields(c)
                keyframes.append(
                    {
                        "frame": frame,
                        "time": None,
                        "x": f["x"],
                        "y": f["y"],
                        "w": f["w"],
                        "h": f["h"],
                        "rotation": f["rotation"] or 0.0,
                        "enabled": c.get("outside") != "1",
                    }
                )
        except BadRecord as e:
            self.sink.quarantine(
                "labels", ref, e.reason_code, e.message, field=e.field, excerpt=dict(c.attrib)
            )
            return
        fields = {
            "kind": "track",
            "keyframes": keyframes,
            "frame_start": keyframes[0]["frame"],
            "frame_end": keyframes[-1]["frame"],
        }
        label_id = make_id("labels", target.annotation_id, "track", track_id)
        self._label(target, label_id, cls, fields, extra, ref)

    def _video(self, task: Task | None, task_id: str | None) -> Target:
        key = task_id or (task.task_id if task else None)
        if key in self._videos:
            return self._videos[key]
        source = self.meta.source
        native = key or source or self.src.path.stem
        item = {
            "attributes": attrs(
                {
                    "task_id": key,
                    "task_name": task.name if task else None,
                    "start_frame": task.start if task else None,
                    "stop_frame": task.stop if task else None,
                    "frame_step": task.step if task else None,
                }
            )
        }
        target = self._target(
            native, source, "video", self.src.ref("/meta"), self.meta.width, self.meta.height, item
        )
        self._videos[key] = target
        return target

    def _frame(self, elem: Element, task: Task | None) -> int:
        text = attr(elem, "frame")
        if not text.isdigit():
            raise BadRecord("wrong_type", "frame", f"frame {text!r} is not a frame number")
        frame = int(text)
        if task is not None and task.off_grid(frame):
            raise BadRecord(
                "frame_outside_task",
                "frame",
                f"frame {frame} is not a frame of the task (start_frame {task.start}, "
                f"stop_frame {task.stop}, step {task.step}); re-export the task",
            )
        return frame

    # -- common -------------------------------------------------------------------------------
    def _class(self, elem: Element) -> str | None:
        label = attr(elem, "label")
        if not label:
            return None
        if self.meta.labels and label not in self.meta.labels:
            raise BadRecord(
                "dangling_label",
                "label",
                f"label {label!r} is not one of the task's labels in <meta>; re-export the task",
            )
        return label

    def _extra(self, elem: Element, cls: str | None) -> dict[str, Any]:
        specs = self.meta.labels.get(cls or "", {})
        values = {
            a.get("name"): typed(a.text, specs.get(a.get("name") or ""))
            for a in elem.findall("attribute")
            if a.get("name")
        }
        out: dict[str, Any] = {
            "occluded": True if elem.get("occluded") == "1" else None,
            "z_order": _int_text(elem.get("z_order")) or None,
            "group_id": elem.get("group_id"),
            "source": elem.get("source"),
            "keyframe": None,
        }
        if values:
            out["attributes"] = values
        return out

    def _label(
        self,
        target: Target,
        label_id: str,
        cls: str | None,
        fields: dict[str, Any],
        extra: dict[str, Any],
        ref: str,
    ) -> None:
        self.sink.add(
            "labels",
            {
                **fields,
                "label_id": label_id,
                "annotation_id": target.annotation_id,
                "item_id": target.item_id,
                "asset_id": target.asset_id,
                "class": cls,
                "origin": "human",
                "attributes": attrs(extra),
                "source_ref": ref,
            },
        )


def _is_key(elem: Element) -> bool:
    return elem.get("keyframe") in (None, "1") or elem.get("outside") == "1"


def _unsupported(elem: Element) -> BadRecord:
    what = "is not supported yet" if elem.tag in UNSUPPORTED else "is not a CVAT 1.1 shape"
    return BadRecord(
        "unsupported_shape", None, f"<{elem.tag}> {what}; convert it in CVAT or drop it"
    )


def _size(elem: Element) -> tuple[float | None, float | None]:
    w, h = elem.get("width"), elem.get("height")
    if w is None or h is None:
        return None, None
    try:
        width, height = float(w), float(h)
    except ValueError:
        raise BadRecord("wrong_type", "width", f"image size {w}x{h} is not numeric") from None
    if width <= 0 or height <= 0:
        raise BadRecord("bad_geometry", "width", f"image size {w}x{h} is not > 0")
    return width, height


def _int(v: float | None) -> int | None:
    return None if v is None else round(v)


def _int_text(v: str | None) -> int | None:
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None
