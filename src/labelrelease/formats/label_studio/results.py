"""Convert one Label Studio result into the canonical fields of a label.

Geometry arrives in percent of the media size and leaves in pixels when the result carries
``original_width``/``original_height`` (otherwise it stays in percent and the label says so in
``attributes.units``). Text offsets are checked against the text they claim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from labelrelease.formats.label_studio.values import (
    BadResult,
    has_astral,
    integer,
    number,
    optional_number,
    points,
    string_list,
    utf16_to_codepoints,
)


@dataclass
class Media:
    """What a result needs to know about the object (asset) it points at."""

    modality: str | None
    width: float | None = None
    height: float | None = None
    content: str | None = None
    paragraph_starts: tuple[int, ...] = ()


@dataclass
class Partial:
    """The canonical fields one result contributes to its region."""

    kind: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)
    text: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    ranges: list[dict[str, Any]] = field(default_factory=list)
    """For results that hold several ranges (timelinelabels): one field set per range."""


LABEL_KEYS = (
    "labels",
    "rectanglelabels",
    "polygonlabels",
    "ellipselabels",
    "keypointlabels",
    "brushlabels",
    "polylinelabels",
    "hypertextlabels",
    "paragraphlabels",
    "timelinelabels",
)


def classes_of(value: dict[str, Any]) -> list[str]:
    """The class names a region value carries, in order, without repeats."""
    out: list[str] = []
    for key in value:
        if key not in _LABEL_KEY_SET:
            continue
        for c in string_list(value, key):
            if c not in out:
                out.append(c)
    return out


_LABEL_KEY_SET = frozenset(LABEL_KEYS)


def _scale(media: Media, result: dict[str, Any]) -> tuple[float, float, dict[str, Any]]:
    w, h = result.get("original_width"), result.get("original_height")
    if _is_size(w) and _is_size(h):
        media.width, media.height = float(w), float(h)
        return float(w) / 100.0, float(h) / 100.0, {}
    if media.width and media.height:
        return media.width / 100.0, media.height / 100.0, {}
    return 1.0, 1.0, {"units": "percent"}


def _is_size(v: Any) -> TypeGuard[float]:
    return isinstance(v, int | float) and not isinstance(v, bool) and v > 0


def box(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    return _extent("box", "width", "height", result, value, media)


def ellipse(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    return _extent("ellipse", "radiusX", "radiusY", result, value, media)


def _extent(
    kind: str, w_key: str, h_key: str, result: dict[str, Any], value: dict[str, Any], media: Media
) -> Partial:
    """A box (corner + size) or an ellipse (centre + radii), in pixels when the size is known."""
    sx, sy, attrs = _scale(media, result)
    w, h = number(value, w_key), number(value, h_key)
    if w < 0 or h < 0:
        bad = w_key if w < 0 else h_key
        raise BadResult("negative_size", bad, f"{kind} {bad} is negative ({value[bad]})")
    fields = {
        "x": number(value, "x") * sx,
        "y": number(value, "y") * sy,
        "w": w * sx,
        "h": h * sy,
        "rotation": optional_number(value, "rotation") or 0.0,
    }
    return Partial(kind, fields, classes_of(value), attrs=attrs)


def keypoint(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    sx, sy, attrs = _scale(media, result)
    fields = {"x": number(value, "x") * sx, "y": number(value, "y") * sy}
    size = optional_number(value, "width")
    if size is not None:
        attrs = {**attrs, "marker_width": size * sx}
    return Partial("keypoint", fields, classes_of(value), attrs=attrs)


def _poly(kind: str) -> Callable[[dict[str, Any], dict[str, Any], Media], Partial]:
    def convert(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
        sx, sy, attrs = _scale(media, result)
        flat = [c for x, y in points(value) for c in (x * sx, y * sy)]
        if kind == "polygon" and "closed" in value:
            attrs = {**attrs, "closed": bool(value["closed"])}
        return Partial(kind, {"points": flat}, classes_of(value), attrs=attrs)

    return convert


def brush(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    _sx, _sy, attrs = _scale(media, result)
    rle = value.get("rle")
    if rle is None:
        raise BadResult("missing_field", "rle", "brush region without `value.rle`")
    if not isinstance(rle, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in rle
    ):
        raise BadResult("wrong_type", "rle", "`value.rle` must be a list of integers")
    fmt = value.get("format", "rle")
    fields = {"mask_rle": rle, "mask_format": f"label-studio-{fmt}"}
    if media.width and media.height:
        attrs = {**attrs, "mask_width": round(media.width), "mask_height": round(media.height)}
    return Partial("mask", fields, classes_of(value), attrs={**attrs, "units": None})


def span(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    """``labels``/``hypertextlabels``/``paragraphlabels``: a text span or a time span."""
    rtype = result.get("type")
    if rtype == "paragraphlabels":
        return _paragraph_span(value, media)
    if rtype == "hypertextlabels" or media.modality == "document":
        return _document_span(value)
    if media.modality in ("audio", "video") or (
        media.modality is None and "text" not in value and media.content is None
    ):
        return _time_span(value)
    return _text_span(value, media)


def _time_span(value: dict[str, Any]) -> Partial:
    start, end = number(value, "start"), number(value, "end")
    if end < start:
        raise BadResult("inverted_span", "end", f"segment ends ({end}) before it starts ({start})")
    return Partial("time_span", {"t_start": start, "t_end": end}, classes_of(value))


def _text_span(value: dict[str, Any], media: Media) -> Partial:
    start, end = integer(value, "start"), integer(value, "end")
    claimed = value.get("text")
    if claimed is not None and not isinstance(claimed, str):
        raise BadResult("wrong_type", "text", "`value.text` must be a string")
    content = media.content
    if content is not None:
        if has_astral(content):
            start, end = utf16_to_codepoints(content, start), utf16_to_codepoints(content, end)
        try:
            _check_range(start, end, len(content))
        except BadResult as e:
            e.message += _found_elsewhere(content, claimed)
            raise
        actual = content[start:end]
        if claimed is not None and actual != claimed:
            raise BadResult(
                "span_text_mismatch",
                "text",
                f"offsets {start}:{end} hold {actual!r} but the span claims {claimed!r}"
                f"{_found_elsewhere(content, claimed)}; fix the span in the labelling tool "
                "(the text was probably edited after labelling)",
            )
        claimed = actual
    elif start < 0 or end < start:
        _check_range(start, end, None)
    return Partial("span", {"char_start": start, "char_end": end}, classes_of(value), claimed)


def _found_elsewhere(content: str, claimed: str | None) -> str:
    if not claimed:
        return ""
    at = content.find(claimed)
    return f" ({claimed!r} occurs at {at}:{at + len(claimed)})" if at >= 0 else ""


def _document_span(value: dict[str, Any]) -> Partial:
    offsets = value.get("globalOffsets")
    attrs = {k: value[k] for k in ("start", "end", "startOffset", "endOffset") if k in value}
    if not isinstance(offsets, dict):
        raise BadResult(
            "missing_field",
            "globalOffsets",
            "a rich-text span without `globalOffsets` cannot be placed in the text; re-export "
            "from a Label Studio version that writes them",
        )
    start, end = integer(offsets, "start"), integer(offsets, "end")
    _check_range(start, end, None)
    text = value.get("text")
    fields = {"char_start": start, "char_end": end}
    return Partial(
        "span",
        fields,
        classes_of(value),
        text if isinstance(text, str) else None,
        {"xpath": attrs} if attrs else {},
    )


def _paragraph_span(value: dict[str, Any], media: Media) -> Partial:
    p_start, p_end = integer(value, "start"), integer(value, "end")
    o_start, o_end = integer(value, "startOffset"), integer(value, "endOffset")
    starts = media.paragraph_starts
    attrs = {
        "paragraph_start": p_start,
        "paragraph_end": p_end,
        "start_offset": o_start,
        "end_offset": o_end,
    }
    if not starts or media.content is None:
        raise BadResult(
            "missing_field",
            "data",
            "a paragraph span needs the task's paragraphs in `data`; export tasks with data",
        )
    if not (0 <= p_start <= p_end < len(starts)):
        raise BadResult(
            "span_out_of_range",
            "start",
            f"paragraphs {p_start}..{p_end} are outside the {len(starts)} paragraphs",
        )
    content = media.content
    if has_astral(content):  # offsets count UTF-16 code units within their paragraph
        o_start = utf16_to_codepoints(content[starts[p_start] :], o_start)
        o_end = utf16_to_codepoints(content[starts[p_end] :], o_end)
    start, end = starts[p_start] + o_start, starts[p_end] + o_end
    para_end = starts[p_end + 1] - 1 if p_end + 1 < len(starts) else len(content)
    start_para_end = starts[p_start + 1] - 1 if p_start + 1 < len(starts) else len(content)
    if o_start < 0 or start > start_para_end:
        raise BadResult(
            "span_out_of_range",
            "startOffset",
            f"startOffset {o_start} is past the end of paragraph {p_start}",
        )
    if end > para_end or end < start:
        raise BadResult(
            "span_out_of_range",
            "endOffset",
            f"endOffset {o_end} is past the end of paragraph {p_end} "
            f"({para_end - starts[p_end]} characters)",
        )
    text = media.content[start:end]
    claimed = value.get("text")
    if isinstance(claimed, str) and claimed != text:
        raise BadResult(
            "span_text_mismatch", "text", f"the span holds {text!r} but claims {claimed!r}"
        )
    return Partial("span", {"char_start": start, "char_end": end}, classes_of(value), text, attrs)


def _check_range(start: int, end: int, length: int | None) -> None:
    if start < 0 or end < start or (length is not None and end > length):
        where = f" of a {length}-character text" if length is not None else ""
        raise BadResult("span_out_of_range", "end", f"offsets {start}:{end} are not a span{where}")


def timeline(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    ranges = value.get("ranges")
    if not isinstance(ranges, list) or not ranges:
        raise BadResult("missing_field", "ranges", "timelinelabels without `value.ranges`")
    out = []
    for i, r in enumerate(ranges):
        if not isinstance(r, dict):
            raise BadResult("wrong_type", "ranges", f"`value.ranges[{i}]` must be an object")
        start, end = integer(r, "start"), integer(r, "end")
        if end < start:
            raise BadResult("inverted_span", "ranges", f"range {i} ends before it starts")
        out.append({"frame_start": start, "frame_end": end})
    return Partial("frame_span", classes=classes_of(value), ranges=out)


def video_track(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    seq = value.get("sequence")
    if not isinstance(seq, list) or not seq:
        raise BadResult("missing_field", "sequence", "videorectangle without `value.sequence`")
    sx, sy, attrs = _scale(media, result)
    frames: list[dict[str, Any]] = []
    for i, k in enumerate(seq):
        if not isinstance(k, dict):
            raise BadResult("wrong_type", "sequence", f"`sequence[{i}]` must be an object")
        w, h = number(k, "width"), number(k, "height")
        if w < 0 or h < 0:
            bad = "width" if w < 0 else "height"
            raise BadResult(
                "negative_size", f"sequence[{i}].{bad}", f"keyframe {i} has negative {bad} {k[bad]}"
            )
        frames.append(
            {
                "frame": integer(k, "frame"),
                "time": optional_number(k, "time"),
                "x": number(k, "x") * sx,
                "y": number(k, "y") * sy,
                "w": w * sx,
                "h": h * sy,
                "rotation": optional_number(k, "rotation") or 0.0,
                "enabled": bool(k.get("enabled", True)),
            }
        )
    frames.sort(key=lambda f: int(f["frame"]))
    fields = {
        "keyframes": frames,
        "frame_start": frames[0]["frame"],
        "frame_end": frames[-1]["frame"],
    }
    for key in ("framesCount", "duration"):
        if key in value:
            attrs = {**attrs, key: value[key]}
    return Partial("track", fields, classes_of(value), attrs=attrs)


def choices(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    return Partial("tag", classes=string_list(value, "choices"))


def taxonomy(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    paths = value.get("taxonomy")
    if not isinstance(paths, list) or not all(
        isinstance(p, list) and all(isinstance(s, str) for s in p) for p in paths
    ):
        raise BadResult("wrong_type", "taxonomy", "`value.taxonomy` must be a list of paths")
    return Partial("tag", classes=["/".join(p) for p in paths], attrs={"taxonomy": paths})


def textarea(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    texts = string_list(value, "text")
    return Partial("text", ranges=[{"text": t} for t in texts])


def number_value(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    return Partial("number", {"number": number(value, "number")})


def rating(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    return Partial("number", {"number": number(value, "rating")}, attrs={"scale": "rating"})


def datetime_value(result: dict[str, Any], value: dict[str, Any], media: Media) -> Partial:
    v = value.get("datetime")
    if not isinstance(v, str) or not v:
        raise BadResult("wrong_type", "datetime", "`value.datetime` must be a non-empty string")
    return Partial("datetime", text=v)


Converter = Callable[[dict[str, Any], dict[str, Any], Media], Partial]

GEOMETRY: dict[str, Converter] = {
    "rectangle": box,
    "rectanglelabels": box,
    "ellipse": ellipse,
    "ellipselabels": ellipse,
    "keypoint": keypoint,
    "keypointlabels": keypoint,
    "polygon": _poly("polygon"),
    "polygonlabels": _poly("polygon"),
    "polyline": _poly("polyline"),
    "polylinelabels": _poly("polyline"),
    "brush": brush,
    "brushlabels": brush,
    "labels": span,
    "hypertextlabels": span,
    "paragraphlabels": span,
    "timelinelabels": timeline,
    "videorectangle": video_track,
}
"""Result types that place a region (in space, time or text)."""

VALUES: dict[str, Converter] = {
    "choices": choices,
    "taxonomy": taxonomy,
    "textarea": textarea,
    "number": number_value,
    "rating": rating,
    "datetime": datetime_value,
}
"""Result types that give a value: to the whole object, or to a region sharing their id."""

MODALITY_OF_TYPE = {
    "rectangle": "image",
    "rectanglelabels": "image",
    "ellipse": "image",
    "ellipselabels": "image",
    "keypoint": "image",
    "keypointlabels": "image",
    "polygon": "image",
    "polygonlabels": "image",
    "polyline": "image",
    "polylinelabels": "image",
    "brush": "image",
    "brushlabels": "image",
    "videorectangle": "video",
    "timelinelabels": "video",
    "hypertextlabels": "document",
    "paragraphlabels": "text",
}
"""The modality a result type implies for its object, when no labeling config says."""
