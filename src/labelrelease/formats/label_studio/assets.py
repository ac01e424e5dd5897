"""Assets of a Label Studio task: which data key holds which medium, and what is known of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

from labelrelease.formats.label_studio.config import LabelConfig
from labelrelease.formats.label_studio.results import Media

EXTENSIONS = {
    "image": {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".svg"},
    "audio": {".wav", ".mp3", ".flac", ".ogg", ".m4a", ".opus", ".aac"},
    "video": {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"},
    "document": {".pdf", ".html", ".htm"},
}

META_KEYS = ("meta_", "is_gold", "language", "split")
"""Data keys that describe the item rather than show a medium."""


@dataclass
class AssetState:
    """An asset being built while a task's results are read."""

    name: str
    data_key: str
    media: Media
    uri: str | None = None
    fps: float | None = None
    duration_s: float | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    used: bool = False


def modality_of_value(value: Any) -> str | None:
    """The modality a data value shows by itself: a media URI by its extension, inline text,
    or a list of paragraphs; ``None`` when it shows none."""
    if (
        isinstance(value, list)
        and value
        and all(isinstance(p, dict) and isinstance(p.get("text"), str) for p in value)
    ):
        return "text"
    if not isinstance(value, str) or not value:
        return None
    if _looks_like_uri(value):
        suffix = PurePosixPath(urlparse(value).path).suffix.lower()
        for modality, exts in EXTENSIONS.items():
            if suffix in exts:
                return modality
        return None
    return "text"


def _looks_like_uri(value: str) -> bool:
    if "\n" in value or " " in value.strip():
        return False
    parsed = urlparse(value)
    return bool(parsed.scheme) or value.startswith(("/", "./")) or "." in value[-6:]


def initial_assets(data: dict[str, Any], config: LabelConfig | None) -> dict[str, AssetState]:
    """Assets known before reading results: the config's objects, or the data's media."""
    assets: dict[str, AssetState] = {}
    if config and config.objects:
        for obj in config.objects.values():
            if obj.data_key in data:
                assets[obj.name] = make_asset(obj.name, obj.data_key, data, obj.modality)
                assets[obj.name].fps = obj.fps
        return assets
    for key, value in data.items():
        if key.startswith(META_KEYS):
            continue
        modality = modality_of_value(value)
        if modality is not None:
            assets[key] = make_asset(key, key, data, modality)
    return assets


def make_asset(name: str, key: str, data: dict[str, Any], modality: str | None) -> AssetState:
    """An asset named ``name`` showing ``data[key]``."""
    value = data.get(key)
    uri = content = None
    starts: tuple[int, ...] = ()
    attrs: dict[str, Any] = {}
    if isinstance(value, list) and modality_of_value(value) == "text":
        content, starts = join_paragraphs(value)
        attrs["paragraphs"] = [{k: v for k, v in p.items() if k != "text"} or None for p in value]
    elif isinstance(value, str) and _looks_like_uri(value) and modality != "text":
        uri = value
    elif isinstance(value, str):
        content = value
    return AssetState(
        name, key, Media(modality, content=content, paragraph_starts=starts), uri=uri, attrs=attrs
    )


def join_paragraphs(paragraphs: list[dict[str, Any]]) -> tuple[str, tuple[int, ...]]:
    """Paragraph texts joined by newlines, and the offset where each paragraph starts."""
    starts, offset = [], 0
    for p in paragraphs:
        starts.append(offset)
        offset += len(p["text"]) + 1
    return "\n".join(p["text"] for p in paragraphs), tuple(starts)
