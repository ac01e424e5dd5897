"""Read a Label Studio labeling config (XML): which object shows which data key, and which
control tags offer which labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from labelrelease.errors import ConfigError

OBJECT_MODALITY = {
    "image": "image",
    "video": "video",
    "audio": "audio",
    "audioplus": "audio",
    "text": "text",
    "hypertext": "document",
    "paragraphs": "text",
    "richtext": "document",
    "pdf": "document",
}
"""Object tags (lower case) and the modality of the asset they show."""

CONTROL_TAGS = {
    "labels",
    "rectanglelabels",
    "rectangle",
    "polygonlabels",
    "polygon",
    "ellipselabels",
    "ellipse",
    "keypointlabels",
    "keypoint",
    "brushlabels",
    "brush",
    "polylinelabels",
    "polyline",
    "hypertextlabels",
    "paragraphlabels",
    "timelinelabels",
    "videorectangle",
    "choices",
    "taxonomy",
    "textarea",
    "number",
    "rating",
    "datetime",
    "relations",
}


@dataclass(frozen=True)
class ObjectTag:
    name: str
    modality: str
    data_key: str
    fps: float | None = None


@dataclass(frozen=True)
class ControlTag:
    name: str
    tag: str
    to_name: str
    values: frozenset[str] = frozenset()
    per_region: bool = False


@dataclass(frozen=True)
class LabelConfig:
    """Objects by name and controls by name, from one labeling config."""

    objects: dict[str, ObjectTag] = field(default_factory=dict)
    controls: dict[str, ControlTag] = field(default_factory=dict)


def parse_config(text: str, origin: str) -> LabelConfig:
    """Parse a labeling config; ``origin`` names it in errors."""
    try:
        root = SafeET.fromstring(text)
    except DefusedXmlException as e:
        raise ConfigError(f"refused unsafe XML ({type(e).__name__})", path=origin) from None
    except SafeET.ParseError as e:
        raise ConfigError(f"not a valid labeling config: {e}", path=origin) from None
    objects: dict[str, ObjectTag] = {}
    controls: dict[str, ControlTag] = {}
    for el in root.iter():
        tag = str(el.tag).lower()
        name = el.get("name")
        if not name:
            continue
        value = el.get("value") or el.get("valueList") or ""
        if tag in OBJECT_MODALITY and value.startswith("$"):
            fps = el.get("framerate")
            objects[name] = ObjectTag(
                name, OBJECT_MODALITY[tag], value[1:], float(fps) if fps else None
            )
        elif tag in CONTROL_TAGS:
            values = frozenset(
                str(v) for child in el.iter() if (v := child.get("value")) is not None
            )
            controls[name] = ControlTag(
                name,
                tag,
                el.get("toName", ""),
                values - {value} if value else values,
                el.get("perRegion", "").lower() == "true",
            )
    return LabelConfig(objects, controls)


def load_config(path: Path, display: str) -> LabelConfig:
    """Read and parse a labeling config file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            "label_config file not found; fix the path in pipelines/sources.yaml", path=display
        ) from None
    except UnicodeDecodeError:
        raise ConfigError("label_config is not UTF-8 text", path=display) from None
    return parse_config(text, display)
