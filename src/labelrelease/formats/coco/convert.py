"""Turn COCO images and annotations into canonical rows.

Each image is an item with one ``image`` asset and one pass (per file). Each annotation gives:
a ``box`` (``bbox``); a ``polygon`` per ring of a polygon ``segmentation`` or a ``mask`` for an
RLE one (linked ``segmentation_of`` the box); a ``keypoint`` per labelled keypoint (linked
``part_of`` the box, and to each other along the category's ``skeleton``); or a ``text`` label
for a caption.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labelrelease.formats.base import SourceFile
from labelrelease.formats.coco.rle import runs_of
from labelrelease.formats.common import BadRecord, check_inside, floats, is_number, to_float
from labelrelease.model.ids import make_id
from labelrelease.model.jsonutil import attrs
from labelrelease.model.sink import RecordSink

_IMAGE_EXTRA = ("license", "coco_url", "flickr_url", "date_captured")
_ANNOTATION_KEYS = frozenset(
    (
        "id",
        "image_id",
        "category_id",
        "segmentation",
        "area",
        "bbox",
        "iscrowd",
        "keypoints",
        "num_keypoints",
        "caption",
        "score",
        "attributes",
    )
)


@dataclass(frozen=True)
class Image:
    """What annotations need to know about their image."""

    item_id: str
    asset_id: str
    annotation_id: str
    width: float | None
    height: float | None


@dataclass(frozen=True)
class Category:
    name: str
    keypoints: tuple[str, ...] = ()
    skeleton: tuple[tuple[int, int], ...] = ()


class CocoReader:
    """Reads the images, categories and annotations of one COCO file into a sink."""

    def __init__(self, src: SourceFile, sink: RecordSink) -> None:
        self.src, self.sink = src, sink
        self.images: dict[Any, Image] = {}
        self.categories: dict[Any, Category] = {}
        self.pass_name = str(src.options.get("pass", "visual"))

    # -- images and categories ----------------------------------------------------------------
    def image(self, index: int, image: Any) -> None:
        """Import ``images[index]``: its item, asset and pass."""
        ref = self.src.ref(f"/images/{index}")
        try:
            image_id, name, width, height = _image_fields(image)
        except BadRecord as e:
            self.sink.quarantine(
                "items", ref, e.reason_code, e.message, field=e.field, excerpt=image
            )
            return
        item_id = self.src.item_id(str(image_id), name)
        asset_name = self.src.asset_name("image")
        asset_id = make_id("assets", item_id, asset_name)
        annotation_id = make_id("annotations", item_id, "coco", self.src.path.name)
        extra = {k: image.get(k) for k in _IMAGE_EXTRA if image.get(k) not in (None, "", 0)}
        add = self.sink.add
        add(
            "items",
            {
                "item_id": item_id,
                "source": self.src.source,
                "source_ref": ref,
                "is_gold": False,
                "attributes": attrs({"coco_id": image_id}),
            },
        )
        add(
            "assets",
            {
                "asset_id": asset_id,
                "item_id": item_id,
                "name": asset_name,
                "modality": "image",
                "uri": name,
                "width": _int(width),
                "height": _int(height),
                "attributes": attrs(extra),
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
        self.images.setdefault(image_id, Image(item_id, asset_id, annotation_id, width, height))

    def category(self, index: int, cat: Any) -> None:
        """Learn ``categories[index]`` (a category is not a record of its own)."""
        if not isinstance(cat, dict) or "id" not in cat or not isinstance(cat.get("name"), str):
            return  # an annotation that names it is quarantined as dangling_category
        names = cat.get("keypoints")
        if not isinstance(names, list):
            names = []
        edges = [
            (int(e[0]), int(e[1]))
            for e in cat.get("skeleton") or []
            if isinstance(e, list) and len(e) == 2 and all(isinstance(v, int) for v in e)
        ]
        self.categories.setdefault(
            cat["id"], Category(cat["name"], tuple(str(n) for n in names), tuple(edges))
        )

    # -- annotations --------------------------------------------------------------------------
    def annotation(self, index: int, ann: Any) -> None:
        """Import ``annotations[index]`` as labels and links, or quarantine it whole."""
        pointer = f"/annotations/{index}"
        try:
            rows, links = self._convert(ann, pointer)
        except BadRecord as e:
            self.sink.quarantine(
                "labels",
                self.src.ref(pointer),
                e.reason_code,
                e.message,
                field=e.field,
                excerpt=ann,
            )
            return
        for row in rows:
            self.sink.add("labels", row)
        for link in links:
            self.sink.add("links", link)

    def _convert(self, ann: Any, pointer: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if not isinstance(ann, dict):
            raise BadRecord("wrong_type", None, "an annotation must be an object")
        if "id" not in ann or "image_id" not in ann:
            missing = "id" if "id" not in ann else "image_id"
            raise BadRecord("missing_field", missing, f"the annotation has no `{missing}`")
        image = self.images.get(ann["image_id"])
        if image is None:
            raise BadRecord(
                "dangling_image",
                "image_id",
                f"image_id {ann['image_id']!r} is not in `images` (or that image was "
                "quarantined); export the annotations with their images",
            )
        conv = _Annotation(self, ann, image, pointer)
        if "caption" in ann:
            conv.caption()
            return conv.rows, conv.links
        conv.category = self._category(ann)
        conv.regions()
        return conv.rows, conv.links

    def _category(self, ann: dict[str, Any]) -> Category:
        cat = self.categories.get(ann.get("category_id"))
        if cat is None:
            raise BadRecord(
                "dangling_category",
                "category_id",
                f"category_id {ann.get('category_id')!r} is not in `categories`; export the "
                "annotations with their categories",
            )
        return cat


class _Annotation:
    """The rows of one COCO annotation."""

    def __init__(self, reader: CocoReader, ann: dict[str, Any], image: Image, pointer: str):
        self.src, self.ann, self.image, self.pointer = reader.src, ann, image, pointer
        self.category: Category | None = None
        self.rows: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        extra = {k: v for k, v in ann.items() if k not in _ANNOTATION_KEYS}
        custom = ann.get("attributes")
        if not isinstance(custom, dict):
            custom = {}
        self.common_attrs = {"coco_id": ann["id"], **extra, **custom}

    def caption(self) -> None:
        text = self.ann["caption"]
        if not isinstance(text, str):
            raise BadRecord("wrong_type", "caption", "`caption` must be text")
        self._label("caption", "text", {"text": text.strip() or None}, "")

    def regions(self) -> None:
        box_id = None
        if self.ann.get("bbox") is not None:
            box_id = self._box()
        seg = self.ann.get("segmentation")
        seg_ids: list[str] = []
        if isinstance(seg, dict):
            seg_ids.append(self._mask(seg))
        elif isinstance(seg, list):
            seg_ids += [self._ring(k, ring) for k, ring in enumerate(seg)]
        elif seg is not None:
            raise BadRecord("wrong_type", "segmentation", "`segmentation` must be a list or RLE")
        kp_ids = self._keypoints() if self.ann.get("keypoints") is not None else {}
        if box_id is None and not seg_ids and not kp_ids:
            raise BadRecord(
                "missing_field", "bbox", "the annotation has no bbox, segmentation or keypoints"
            )
        for sid in seg_ids:
            if box_id:
                self._link(sid, box_id, "segmentation_of", "forward")
        for kid in kp_ids.values():
            if box_id:
                self._link(kid, box_id, "part_of", "forward")
        assert self.category is not None
        for a, b in self.category.skeleton:
            if a in kp_ids and b in kp_ids:
                self._link(kp_ids[a], kp_ids[b], "skeleton", "both")

    def _box(self) -> str:
        bbox = self.ann["bbox"]
        if not (isinstance(bbox, list) and len(bbox) == 4):
            raise BadRecord("bad_geometry", "bbox", "`bbox` must be [x, y, width, height]")
        x, y, w, h = floats(bbox, "bbox")
        if w <= 0 or h <= 0:
            raise BadRecord("bad_geometry", "bbox", f"bbox width and height must be > 0 ({bbox})")
        check_inside([x, y, x + w, y + h], self.image.width, self.image.height)
        return self._label("bbox", "box", {"x": x, "y": y, "w": w, "h": h}, "/bbox")

    def _ring(self, k: int, ring: Any) -> str:
        where = f"/segmentation/{k}"
        if not isinstance(ring, list) or len(ring) < 6 or len(ring) % 2:
            raise BadRecord(
                "bad_geometry", "segmentation", "a polygon must be a flat list of >= 3 x, y pairs"
            )
        points = floats(ring, "segmentation")
        check_inside(points, self.image.width, self.image.height)
        return self._label(f"seg/{k}", "polygon", {"points": points}, where, {"closed": True})

    def _mask(self, seg: dict[str, Any]) -> str:
        runs, height, width = runs_of(seg)
        if self.image.width and (width, height) != (self.image.width, self.image.height):
            raise BadRecord(
                "bad_rle",
                "segmentation.size",
                f"the mask is {width}x{height} but its image is "
                f"{self.image.width:g}x{self.image.height:g}",
            )
        fields = {"mask_rle": runs, "mask_format": "coco-rle"}
        extra = {
            "mask_size": [height, width],
            "rle_compressed": isinstance(seg.get("counts"), str) or None,
        }
        return self._label("mask", "mask", fields, "/segmentation", extra)

    def _keypoints(self) -> dict[int, str]:
        values = self.ann["keypoints"]
        if not isinstance(values, list) or len(values) % 3:
            raise BadRecord("bad_geometry", "keypoints", "`keypoints` must be x, y, v triplets")
        assert self.category is not None
        names = self.category.keypoints
        ids: dict[int, str] = {}
        numbers = floats(values, "keypoints")
        for i in range(0, len(numbers), 3):
            x, y, v = numbers[i], numbers[i + 1], numbers[i + 2]
            if v not in (0, 1, 2):
                raise BadRecord("bad_geometry", "keypoints", f"visibility must be 0, 1 or 2: {v}")
            if v == 0:
                continue  # not labelled
            check_inside([x, y], self.image.width, self.image.height)
            n = i // 3 + 1  # skeleton edges count keypoints from 1
            extra = {
                "keypoint": names[n - 1] if n <= len(names) else str(n),
                "keypoint_index": n,
                "visibility": int(v),
            }
            ids[n] = self._label(f"kp/{n}", "keypoint", {"x": x, "y": y}, f"/keypoints/{i}", extra)
        return ids

    def _label(
        self,
        part: str,
        kind: str,
        fields: dict[str, Any],
        where: str,
        extra: dict[str, Any] | None = None,
    ) -> str:
        image = self.image
        label_id = make_id("labels", image.annotation_id, self.ann["id"], part)
        score = self.ann.get("score")
        self.rows.append(
            {
                **fields,
                "label_id": label_id,
                "annotation_id": image.annotation_id,
                "item_id": image.item_id,
                "asset_id": image.asset_id,
                "kind": kind,
                "class": self.category.name if self.category else None,
                "score": float(score) if is_number(score) else None,
                "origin": "model" if is_number(score) else "human",
                "attributes": attrs(
                    {
                        **self.common_attrs,
                        **(extra or {}),
                        "iscrowd": True if self.ann.get("iscrowd") == 1 else None,
                        "area": self.ann.get("area") if kind != "text" else None,
                    }
                ),
                "source_ref": self.src.ref(self.pointer + where),
            }
        )
        return label_id

    def _link(self, a: str, b: str, relation: str, direction: str) -> None:
        image = self.image
        self.links.append(
            {
                "link_id": make_id("links", image.annotation_id, a, b, relation),
                "item_id": image.item_id,
                "annotation_id": image.annotation_id,
                "from_label_id": a,
                "to_label_id": b,
                "relation": relation,
                "direction": direction,
                "source_ref": self.src.ref(self.pointer),
            }
        )


def _image_fields(image: Any) -> tuple[Any, str, float | None, float | None]:
    if not isinstance(image, dict):
        raise BadRecord("wrong_type", None, "an image must be an object")
    if image.get("id") is None:
        raise BadRecord("missing_field", "id", "the image has no `id`")
    name = image.get("file_name")
    if not isinstance(name, str) or not name:
        raise BadRecord("missing_field", "file_name", "the image has no `file_name`")
    size = [image.get("width"), image.get("height")]
    if all(v is None for v in size):
        return image["id"], name, None, None
    width, height = (to_float(v, k) for v, k in zip(size, ("width", "height"), strict=True))
    if width <= 0 or height <= 0:
        raise BadRecord("bad_geometry", "width", f"image size {width:g}x{height:g} is not > 0")
    return image["id"], name, width, height


def _int(v: float | None) -> int | None:
    return None if v is None else round(v)
