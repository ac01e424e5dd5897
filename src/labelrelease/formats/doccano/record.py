"""Turn one doccano JSONL record into canonical rows.

A text record (``text``) is an item with a ``text`` asset: entity spans (``label`` or
``entities`` as ``[start, end, class]`` triples, or ``entities`` as objects with
``start_offset``/``end_offset``), relations between them (links), and document classes
(``label`` as a list of names, or ``cats``) as tags. A media record (``filename``) is an item
with an image or audio asset: boxes (``bbox``), and ``label`` strings as captions or
transcripts (text labels), or as classes with the ``task: image_classification`` option.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from labelrelease.formats.base import SourceFile
from labelrelease.formats.common import BadRecord, is_number, to_float
from labelrelease.model.ids import make_id
from labelrelease.model.jsonutil import attrs
from labelrelease.model.sink import RecordSink

AUDIO = frozenset((".mp3", ".wav", ".flac", ".ogg", ".m4a", ".aac", ".opus", ".webm"))
_KNOWN = frozenset(
    ("id", "text", "filename", "label", "labels", "entities", "relations", "cats", "bbox", "data")
)


class RecordReader:
    """Reads the records of one doccano file into a sink."""

    def __init__(self, src: SourceFile, sink: RecordSink) -> None:
        self.src, self.sink = src, sink
        self.text_key = str(src.options.get("text_key", "text"))
        self.label_key = str(src.options.get("label_key", "label"))
        self.task = src.options.get("task")
        self.pass_name = src.options.get("pass")

    def read(self, record: Any, line: int) -> None:
        """Import the record on ``line`` (1-based), or quarantine it."""
        ref = self.src.ref(f":{line}")
        try:
            self._read(record, line, ref)
        except BadRecord as e:
            self.sink.quarantine(
                "items", ref, e.reason_code, e.message, field=e.field, excerpt=record
            )

    def _read(self, record: Any, line: int, ref: str) -> None:
        if not isinstance(record, dict):
            raise BadRecord("wrong_type", None, "a doccano record must be a JSON object")
        text = record.get(self.text_key, record.get("data"))
        media = record.get("filename")
        if not isinstance(text, str) and not isinstance(media, str):
            raise BadRecord(
                "missing_field",
                self.text_key,
                f"the record has neither `{self.text_key}` nor `filename`; if the export uses "
                "other column names, set the source's text_key / label_key options",
            )
        native = str(record["id"]) if record.get("id") is not None else f"line:{line}"
        item_id = self.src.item_id(native, media if isinstance(media, str) else None)
        if isinstance(text, str):
            modality, default = "text", "text"
        else:
            audio = PurePosixPath(str(media)).suffix.lower() in AUDIO
            modality, default = ("audio", "audio") if audio else ("image", "image")
        name = self.src.asset_name(default)
        asset_id = make_id("assets", item_id, name)
        annotation_id = make_id("annotations", item_id, "doccano", self.src.path.name)
        extra = {
            k: v
            for k, v in record.items()
            if k not in _KNOWN and k not in (self.text_key, self.label_key)
        }
        add = self.sink.add
        add(
            "items",
            {
                "item_id": item_id,
                "source": self.src.source,
                "source_ref": ref,
                "is_gold": False,
                "attributes": attrs({"doccano_id": record.get("id"), **extra}),
            },
        )
        add(
            "assets",
            {
                "asset_id": asset_id,
                "item_id": item_id,
                "name": name,
                "modality": modality,
                "uri": media if modality != "text" else None,
                "content": text if modality == "text" else None,
                "n_chars": len(text) if isinstance(text, str) else None,
                "source_ref": ref,
            },
        )
        text_task = modality == "text"
        add(
            "annotations",
            {
                "annotation_id": annotation_id,
                "item_id": item_id,
                "origin": "human",
                "pass": str(self.pass_name or ("text" if text_task else "visual")),
                "status": "submitted",
                "guideline_version": self.src.guideline_version,
                "source_ref": ref,
            },
        )
        labels = _Labels(self, item_id, asset_id, annotation_id, line, text)
        if text_task:
            labels.text_record(record)
        else:
            labels.media_record(record, modality)


class _Labels:
    """Emits the labels and links of one record."""

    def __init__(
        self,
        reader: RecordReader,
        item_id: str,
        asset_id: str,
        annotation_id: str,
        line: int,
        text: Any,
    ) -> None:
        self.r, self.sink, self.src = reader, reader.sink, reader.src
        self.item_id, self.asset_id, self.annotation_id = item_id, asset_id, annotation_id
        self.line = line
        self.text: str | None = text if isinstance(text, str) else None
        self.entities: dict[str, str] = {}

    def text_record(self, record: dict[str, Any]) -> None:
        label = record.get(self.r.label_key)
        key = self.r.label_key
        if isinstance(label, list) and label and all(isinstance(v, str) for v in label):
            for i, cls in enumerate(label):
                self._tag(cls, f"{key}/{i}")
        elif label is not None:
            self._spans(label, key)
        if record.get("entities") is not None:
            self._spans(record["entities"], "entities")
        for i, cls in enumerate(_list(record.get("cats"))):
            self._tag(cls, f"cats/{i}")
        for i, rel in enumerate(_list(record.get("relations"))):
            self._relation(rel, f"relations/{i}")

    def media_record(self, record: dict[str, Any], modality: str) -> None:
        key = self.r.label_key
        for i, value in enumerate(_list(record.get(key))):
            where = f"{key}/{i}"
            if self.r.task == "image_classification" and modality == "image":
                self._tag(value, where)
            elif not isinstance(value, str) or not value.strip():
                self._bad(where, "wrong_type", key, "a caption or transcript must be text", value)
            else:
                self._emit(where, "text", None, {"text": value})
        for i, box in enumerate(_list(record.get("bbox"))):
            self._box(box, f"bbox/{i}")

    # -- kinds --------------------------------------------------------------------------------
    def _spans(self, spans: Any, key: str) -> None:
        if not isinstance(spans, list):
            self._bad(key, "wrong_type", key, f"`{key}` must be a list", spans)
            return
        for i, span in enumerate(spans):
            where = f"{key}/{i}"
            try:
                native, start, end, cls = _span(span)
                if self.text is None or not 0 <= start < end <= len(self.text):
                    raise BadRecord(
                        "span_out_of_range",
                        "end_offset",
                        f"span [{start}, {end}) does not lie inside the text "
                        f"({len(self.text or '')} characters); fix the offsets in doccano",
                    )
            except BadRecord as e:
                self._bad(where, e.reason_code, e.field, e.message, span)
                continue
            assert self.text is not None
            label_id = self._emit(
                where,
                "span",
                cls,
                {"char_start": start, "char_end": end, "text": self.text[start:end]},
                {"doccano_id": native},
            )
            if native is not None:
                self.entities[str(native)] = label_id

    def _tag(self, cls: Any, where: str) -> None:
        if not isinstance(cls, str) or not cls:
            self._bad(where, "wrong_type", "label", "a class must be a non-empty string", cls)
            return
        self._emit(where, "tag", cls, {})

    def _box(self, box: Any, where: str) -> None:
        try:
            if not isinstance(box, dict):
                raise BadRecord("wrong_type", "bbox", "a box must be an object")
            x, y, w, h = (to_float(box.get(k), k) for k in ("x", "y", "width", "height"))
            if x < 0 or y < 0 or w <= 0 or h <= 0:
                raise BadRecord(
                    "outside_image",
                    "x",
                    f"box ({x:g}, {y:g}, {w:g}, {h:g}) has a negative corner or no area",
                )
        except BadRecord as e:
            self._bad(where, e.reason_code, e.field, e.message, box)
            return
        cls = box.get("label")
        self._emit(
            where, "box", cls if isinstance(cls, str) else None, {"x": x, "y": y, "w": w, "h": h}
        )

    def _relation(self, rel: Any, where: str) -> None:
        ref = self.src.ref(f":{self.line}/{where}")
        if not isinstance(rel, dict) or not isinstance(rel.get("type"), str):
            self.sink.quarantine(
                "links",
                ref,
                "wrong_type",
                "a relation needs from_id, to_id and a type",
                field="type",
                excerpt=rel,
            )
            return
        ends = [self.entities.get(str(rel.get(k))) for k in ("from_id", "to_id")]
        if ends[0] is None or ends[1] is None:
            self.sink.quarantine(
                "links",
                ref,
                "dangling_entity",
                "the relation names an entity "
                "id that is not in the record's entities (or was quarantined)",
                field="from_id" if ends[0] is None else "to_id",
                excerpt=rel,
            )
            return
        self.sink.add(
            "links",
            {
                "link_id": make_id("links", self.annotation_id, where),
                "item_id": self.item_id,
                "annotation_id": self.annotation_id,
                "from_label_id": ends[0],
                "to_label_id": ends[1],
                "relation": rel["type"],
                "direction": "forward",
                "attributes": attrs({"doccano_id": rel.get("id")}),
                "source_ref": ref,
            },
        )

    # -- rows ---------------------------------------------------------------------------------
    def _emit(
        self,
        where: str,
        kind: str,
        cls: str | None,
        fields: dict[str, Any],
        extra: dict[str, Any] | None = None,
    ) -> str:
        label_id = make_id("labels", self.annotation_id, where)
        self.sink.add(
            "labels",
            {
                **fields,
                "label_id": label_id,
                "annotation_id": self.annotation_id,
                "item_id": self.item_id,
                "asset_id": self.asset_id,
                "kind": kind,
                "class": cls,
                "origin": "human",
                "attributes": attrs(extra or {}),
                "source_ref": self.src.ref(f":{self.line}/{where}"),
            },
        )
        return label_id

    def _bad(self, where: str, reason: str, field: str | None, message: str, value: Any) -> None:
        self.sink.quarantine(
            "labels",
            self.src.ref(f":{self.line}/{where}"),
            reason,
            message,
            field=field,
            excerpt=value,
        )


def _span(span: Any) -> tuple[Any, int, int, str | None]:
    if isinstance(span, list) and len(span) == 3:
        start, end, cls, native = span[0], span[1], span[2], None
    elif isinstance(span, dict):
        start, end = span.get("start_offset"), span.get("end_offset")
        cls, native = span.get("label"), span.get("id")
    else:
        raise BadRecord(
            "wrong_type",
            None,
            "a span must be [start, end, label] or an object "
            "with start_offset, end_offset and label",
        )
    if start is None or end is None:
        raise BadRecord("missing_field", "start_offset", "the span has no start or end offset")
    if not (is_number(start) and is_number(end) and int(start) == start and int(end) == end):
        raise BadRecord("wrong_type", "start_offset", "span offsets must be integers")
    if cls is not None and not isinstance(cls, str):
        cls = str(cls)
    return native, int(start), int(end), cls


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
