"""Turn one Label Studio task into canonical rows: its item, assets, passes, labels, links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeGuard

from labelrelease.formats.base import FileRejected, SourceFile
from labelrelease.formats.label_studio.assets import AssetState, initial_assets, make_asset
from labelrelease.formats.label_studio.config import LabelConfig
from labelrelease.formats.label_studio.regions import PassReader
from labelrelease.formats.label_studio.results import MODALITY_OF_TYPE, Media
from labelrelease.formats.label_studio.shapes import Pass, Task, normalise
from labelrelease.formats.label_studio.values import BadResult
from labelrelease.model.ids import make_id
from labelrelease.model.jsonutil import attrs, dumps
from labelrelease.model.sink import RecordSink

ITEM_META = {
    "language": ("meta_language", "language"),
    "split": ("meta_split", "split"),
    "is_gold": ("meta_gold", "is_gold"),
}


class TaskReader:
    """Reads the tasks of one file into a sink."""

    def __init__(self, src: SourceFile, sink: RecordSink, config: LabelConfig | None) -> None:
        self.src = src
        self.sink = sink
        self.config = config
        self._configs: dict[str, LabelConfig] = {}

    def read(self, record: Any, pointer: str) -> None:
        """Import one top-level record found at ``pointer``."""
        try:
            task = normalise(record, pointer, self.config)
        except BadResult as e:
            if pointer == "":  # the whole file is this one record
                raise FileRejected(
                    "not_label_studio",
                    f"not a Label Studio export: {e.message}; check --format",
                    record,
                ) from None
            self.sink.quarantine(
                "items",
                self.src.ref(pointer),
                e.reason_code,
                e.message,
                field=e.field,
                excerpt=record,
            )
            return
        item_id = self.src.item_id(_task_key(task), _media_of(task), task.data)
        config = self._config_for(task)
        assets = initial_assets(task.data, config)
        _learn_sizes(task, assets)
        prediction_ids = {
            str(p.body.get("id")): _pass_id(item_id, p)
            for p in task.passes
            if p.is_prediction and isinstance(p.body, dict) and p.body.get("id") is not None
        }
        gold = False
        for p in task.passes:
            gold |= self._pass(task, p, item_id, assets, config, prediction_ids)
        self._item(task, item_id, pointer, gold)
        for asset in assets.values():
            self._asset(asset, item_id, task.data_pointer)

    # -- item and assets ----------------------------------------------------------------------
    def _item(self, task: Task, item_id: str, pointer: str, gold: bool) -> None:
        meta = {
            k: next((task.data[n] for n in names if n in task.data), None)
            for k, names in ITEM_META.items()
        }
        extra = {k: v for k, v in task.raw.items() if k in ("meta", "project", "inner_id")}
        self.sink.add(
            "items",
            {
                "item_id": item_id,
                "source": self.src.source,
                "source_ref": self.src.ref(pointer),
                "language": meta["language"] if isinstance(meta["language"], str) else None,
                "split": meta["split"] if isinstance(meta["split"], str) else None,
                "is_gold": gold or meta["is_gold"] is True,
                "attributes": attrs({"task_id": task.task_id, **extra}),
            },
        )

    def _asset(self, asset: AssetState, item_id: str, data_pointer: str) -> None:
        media = asset.media
        self.sink.add(
            "assets",
            {
                "asset_id": make_id("assets", item_id, asset.name),
                "item_id": item_id,
                "name": asset.name,
                "modality": media.modality or "document",
                "uri": asset.uri,
                "sha256": None,
                "width": _int(media.width),
                "height": _int(media.height),
                "duration_s": asset.duration_s,
                "fps": asset.fps,
                "n_chars": len(media.content) if media.content is not None else None,
                "content": media.content,
                "attributes": attrs(
                    {
                        **asset.attrs,
                        "data_key": asset.data_key,
                        "modality_guessed": media.modality is None or None,
                    }
                ),
                "source_ref": self.src.ref(f"{data_pointer}/{asset.data_key}"),
            },
        )

    # -- passes -------------------------------------------------------------------------------
    def _pass(
        self,
        task: Task,
        p: Pass,
        item_id: str,
        assets: dict[str, AssetState],
        config: LabelConfig | None,
        prediction_ids: dict[str, str],
    ) -> bool:
        """Import one annotation or prediction; returns whether it is marked ground truth."""
        ref = self.src.ref(p.pointer)
        body = p.body
        if not isinstance(body, dict) or not isinstance(body.get("result", []), list):
            what = "annotation" if isinstance(body, dict) else type(body).__name__
            self.sink.quarantine(
                "annotations",
                ref,
                "wrong_type",
                f"{what} must be an object whose `result` is a list",
                field="result",
                excerpt=body,
            )
            return False
        annotation_id = _pass_id(item_id, p)
        row = self._annotation_row(body, p, item_id, annotation_id, prediction_ids, ref)
        self.sink.add("annotations", row)
        resolve = _Resolver(task.data, assets, config)
        reader = PassReader(self.src, self.sink, item_id, annotation_id, p, config, resolve)
        reader.read(body.get("result") or [])
        return body.get("ground_truth") is True

    def _annotation_row(
        self,
        body: dict[str, Any],
        p: Pass,
        item_id: str,
        annotation_id: str,
        prediction_ids: dict[str, str],
        ref: str,
    ) -> dict[str, Any]:
        reviews = [r for r in body.get("reviews") or [] if isinstance(r, dict)]
        last = reviews[-1] if reviews else None
        if p.is_prediction:
            status = "predicted"
        elif body.get("was_cancelled") is True:
            status = "cancelled"
        elif last is not None and isinstance(last.get("accepted"), bool):
            status = "accepted" if last["accepted"] else "rejected"
        else:
            status = "submitted"
        parent = body.get("parent_prediction")
        score = body.get("score")
        return {
            "annotation_id": annotation_id,
            "item_id": item_id,
            "annotator": None if p.is_prediction else _person(body.get("completed_by")),
            "origin": "model" if p.is_prediction else "human",
            "model": _str(body.get("model_version")) if p.is_prediction else None,
            "pass": str(self.src.options.get("pass", "combined")),
            "status": status,
            "reviewer": _person(last.get("created_by")) if last else None,
            "prelabeled_from": prediction_ids.get(str(parent)) if parent is not None else None,
            "guideline_version": self.src.guideline_version,
            "created_at": _timestamp(body.get("created_at")),
            "score": float(score) if _is_number(score) else None,
            "attributes": attrs(
                {
                    "ls_id": body.get("id"),
                    "lead_time": body.get("lead_time"),
                    "ground_truth": body.get("ground_truth") or None,
                    "last_action": body.get("last_action"),
                    "parent_prediction": parent,
                    "reviews": [_review(r) for r in reviews],
                }
            ),
            "source_ref": ref,
        }

    def _config_for(self, task: Task) -> LabelConfig | None:
        if task.label_config is None:
            return self.config
        if task.label_config not in self._configs:
            from labelrelease.formats.label_studio.config import parse_config

            self._configs[task.label_config] = parse_config(
                task.label_config, f"{self.src.display} (project.label_config)"
            )
        return self._configs[task.label_config]


class _Resolver:
    """Finds (creating when needed) the asset a result's ``to_name`` points at."""

    def __init__(
        self, data: dict[str, Any], assets: dict[str, AssetState], config: LabelConfig | None
    ) -> None:
        self.data = data
        self.assets = assets
        self.config = config
        self._ids: dict[str, str] = {}

    def __call__(self, result: dict[str, Any], item_id: str) -> tuple[str | None, Media]:
        asset = self._find(result)
        if isinstance(asset, Media):
            return None, asset
        if asset is None:
            return None, Media(MODALITY_OF_TYPE.get(str(result.get("type"))))
        implied = MODALITY_OF_TYPE.get(str(result.get("type")))
        if asset.media.modality is None or (implied == "document" and self.config is None):
            asset.media.modality = implied
        asset.used = True
        asset_id = self._ids.get(asset.name)
        if asset_id is None:
            asset_id = self._ids[asset.name] = make_id("assets", item_id, asset.name)
        return asset_id, asset.media

    def _find(self, result: dict[str, Any]) -> AssetState | Media | None:
        to_name = result.get("to_name")
        if self.config and isinstance(to_name, str) and to_name in self.config.controls:
            to_name = self.config.controls[to_name].to_name  # a control that names itself
        if isinstance(to_name, str) and to_name in self.assets:
            return self.assets[to_name]
        if self.config and isinstance(to_name, str) and to_name in self.config.objects:
            # The config knows the object, but the task carries no data for it.
            return Media(self.config.objects[to_name].modality)
        source = result.get("source")
        key = source[1:] if isinstance(source, str) and source.startswith("$") else to_name
        if isinstance(key, str) and key in self.data:
            for asset in self.assets.values():
                if asset.data_key == key:
                    return asset
            self.assets[key] = make_asset(key, key, self.data, None)
            return self.assets[key]
        # With no config and no `source` naming a missing key, an object name that is not a
        # data key can only mean the task's one medium (exports often name the object
        # differently from the data key, or let a TextArea point at itself).
        if len(self.assets) == 1 and self.config is None and not _names_missing_key(source):
            return next(iter(self.assets.values()))
        return None


def _learn_sizes(task: Task, assets: dict[str, AssetState]) -> None:
    """Give each asset the media size any result of the task states for it, before results
    are converted, so that every label of one image is in the same units."""
    for p in task.passes:
        results = p.body.get("result") if isinstance(p.body, dict) else None
        for r in results if isinstance(results, list) else ():
            if not isinstance(r, dict):
                continue
            asset = assets.get(str(r.get("to_name")))
            if asset is not None and r.get("type") == "videorectangle":
                _learn_duration(asset, r.get("value"))
            w, h = r.get("original_width"), r.get("original_height")
            if asset is None or asset.media.width or not (_is_number(w) and _is_number(h)):
                continue
            if w > 0 and h > 0:
                asset.media.width, asset.media.height = float(w), float(h)


def _learn_duration(asset: AssetState, value: Any) -> None:
    """A video track states its video's ``duration`` (seconds) and ``framesCount``."""
    if asset.duration_s is not None or not isinstance(value, dict):
        return
    duration, frames = value.get("duration"), value.get("framesCount")
    if _is_number(duration) and duration > 0:
        asset.duration_s = float(duration)
        if asset.fps is None and _is_number(frames) and frames > 0:
            asset.fps = round(float(frames) / float(duration), 6)


def _names_missing_key(source: Any) -> bool:
    return isinstance(source, str) and source.startswith("$")


def _task_key(task: Task) -> str:
    if task.task_id is not None and not isinstance(task.task_id, dict | list):
        return str(task.task_id)
    return "data:" + make_id("items", dumps(task.data))


def _pass_id(item_id: str, p: Pass) -> str:
    body = p.body if isinstance(p.body, dict) else {}
    key = body.get("id")
    return make_id(
        "annotations",
        item_id,
        "prediction" if p.is_prediction else "annotation",
        str(key) if key is not None else f"#{p.index}",
    )


def _person(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if value is None or isinstance(value, bool):
        return None
    return str(value)


def _review(review: dict[str, Any]) -> dict[str, Any]:
    return {
        "reviewer": _person(review.get("created_by")),
        "accepted": review.get("accepted"),
        "created_at": review.get("created_at"),
    }


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _is_number(v: Any) -> TypeGuard[float]:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def _int(v: float | None) -> int | None:
    return None if v is None else round(v)


def _media_of(task: Task) -> str | None:
    """The task's first media URL (by data key order), which names the item for bindings."""
    for value in task.data.values():
        if isinstance(value, str) and "." in value and not any(c.isspace() for c in value):
            return value
    return None
