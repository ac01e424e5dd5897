"""What the time-based importers (WebVTT, SRT, RTTM, TextGrid) share: their per-source options,
and the item, asset and pass rows of one recording.

A transcript, a diarisation or a phonetic alignment describes one medium (an audio or video
recording) that the file itself does not contain. Each becomes one item with one asset for that
medium and one pass (annotation) holding the file's labels. Item IDs come from
:meth:`SourceFile.item_id`, so sources bound by ``item_key`` in ``sources.yaml`` share an item
with, say, the Label Studio boxes of the same video.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from labelrelease.errors import ConfigError
from labelrelease.formats.base import SourceFile
from labelrelease.model.ids import make_id
from labelrelease.model.jsonutil import attrs
from labelrelease.model.schema import PASSES
from labelrelease.model.sink import RecordSink

COMMON_OPTIONS = (
    "modality",
    "media",
    "language",
    "origin",
    "model",
    "annotator",
    "pass",
    "guideline_version",
)
"""Options every time-based importer takes (see docs/formats.md)."""

MEDIA_MODALITIES = ("audio", "video")

_EXTENSIONS = {
    "audio": {".wav", ".mp3", ".flac", ".ogg", ".m4a", ".opus", ".aac", ".sph", ".wma"},
    "video": {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v", ".mpg", ".mpeg"},
}

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


@dataclass(frozen=True)
class TimedOptions:
    """The per-source options of a time-based import, checked."""

    modality: str
    media: str | None
    """The media file (name or URL) the labels belong to; may hold ``{stem}`` (the input
    file's stem) and, for RTTM, ``{uri}`` (the recording's file id)."""
    language: str | None
    origin: str
    model: str | None
    annotator: str | None
    pass_: str
    label_class: str | None

    def media_for(self, stem: str, uri: str | None = None) -> str | None:
        """The media file name with its placeholders filled in (no format mini-language: a
        plain replacement, so a file name can never reach Python attributes)."""
        if self.media is None:
            return None
        text = self.media.replace("{stem}", stem)
        return text.replace("{uri}", uri) if uri is not None else text


def timed_options(
    src: SourceFile, *, default_modality: str, default_class: str | None = None
) -> TimedOptions:
    """The options of ``src``, with defaults; a bad value is a :class:`ConfigError`."""
    opts: Mapping[str, Any] = src.options
    media = _opt_str(src, "media")
    modality = _opt_str(src, "modality") or _modality_of(media) or default_modality
    if modality not in MEDIA_MODALITIES:
        _bad(src, "modality", f"must be one of {', '.join(MEDIA_MODALITIES)}")
    origin = _opt_str(src, "origin") or "human"
    if origin not in ("human", "model"):
        _bad(src, "origin", "must be `human` or `model` (a diarisation or ASR output)")
    pass_ = _opt_str(src, "pass") or "combined"
    if pass_ not in PASSES:
        _bad(src, "pass", f"must be one of {', '.join(PASSES)}")
    label_class = _opt_str(src, "class") if "class" in opts else default_class
    return TimedOptions(
        modality=modality,
        media=media,
        language=_opt_str(src, "language"),
        origin=origin,
        model=_opt_str(src, "model"),
        annotator=_opt_str(src, "annotator"),
        pass_=pass_,
        label_class=label_class,
    )


def _opt_str(src: SourceFile, key: str) -> str | None:
    value = src.options.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool) or str(value) == "":
        _bad(src, key, "must be a non-empty string")
    return str(value)


def _bad(src: SourceFile, key: str, message: str) -> None:
    raise ConfigError(f"source {src.source!r}: option `{key}` {message}", key=f"options.{key}")


def _modality_of(media: str | None) -> str | None:
    if media is None:
        return None
    suffix = PurePosixPath(media.split("?", 1)[0]).suffix.lower()
    return next((m for m, exts in _EXTENSIONS.items() if suffix in exts), None)


class Recording:
    """The item, asset and pass of one recording described by (part of) one input file.

    Label rows are made with :meth:`label`; the item, asset and pass rows are written by
    :meth:`finish` once the file has been read (their attributes gather what the file said
    about itself on the way).
    """

    def __init__(
        self,
        src: SourceFile,
        sink: RecordSink,
        opts: TimedOptions,
        fmt: str,
        native: str,
        media: str | None,
    ) -> None:
        self.src = src
        self.sink = sink
        self.opts = opts
        self.fmt = fmt
        self.native = native
        self.media = media
        self.item_id = src.item_id(native, media)
        self.asset_name = src.asset_name(opts.modality)
        self.asset_id = make_id("assets", self.item_id, self.asset_name)
        self.annotation_id = make_id("annotations", self.item_id, src.source, fmt, native)
        self.item_attrs: dict[str, Any] = {"format": fmt}
        self.asset_attrs: dict[str, Any] = {}
        self.language = opts.language
        self.duration_s: float | None = None

    def label(self, key: object, ref: str, **fields: Any) -> dict[str, Any]:
        """A label row of this pass; ``key`` identifies it within the pass, ``fields`` are
        its kind, class, text, times and attributes."""
        return {
            "label_id": make_id("labels", self.annotation_id, key),
            "annotation_id": self.annotation_id,
            "item_id": self.item_id,
            "asset_id": self.asset_id,
            "origin": self.opts.origin,
            "source_ref": ref,
            **fields,
        }

    def finish(self, ref: str) -> None:
        """Write the item, asset and pass rows (``ref`` is where the recording is named)."""
        o = self.opts
        self.sink.add(
            "items",
            {
                "item_id": self.item_id,
                "source": self.src.source,
                "source_ref": ref,
                "language": self.language,
                "split": None,
                "is_gold": False,
                "attributes": attrs(self.item_attrs),
            },
        )
        self.sink.add(
            "assets",
            {
                "asset_id": self.asset_id,
                "item_id": self.item_id,
                "name": self.asset_name,
                "modality": o.modality,
                "uri": self.media,
                "duration_s": self.duration_s,
                "attributes": attrs(self.asset_attrs),
                "source_ref": ref,
            },
        )
        self.sink.add(
            "annotations",
            {
                "annotation_id": self.annotation_id,
                "item_id": self.item_id,
                "annotator": o.annotator,
                "origin": o.origin,
                "model": o.model,
                "pass": o.pass_,
                "status": "predicted" if o.origin == "model" else "submitted",
                "guideline_version": self.src.guideline_version,
                "attributes": attrs({"format": self.fmt}),
                "source_ref": ref,
            },
        )


def seconds(ms: int) -> float:
    """Whole milliseconds as seconds (exact to the millisecond in binary floating point's
    nearest value)."""
    return ms / 1000
