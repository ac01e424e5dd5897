"""The COCO importer: instances, keypoints and captions files (``instances_*.json``, ...)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from labelrelease.formats.base import ImportContext, Importer, SourceFile
from labelrelease.formats.coco.convert import CocoReader
from labelrelease.formats.coco.stream import CocoFile
from labelrelease.formats.registry import register

_IMAGES = re.compile(rb'"images"\s*:\s*\[')
_COCO_KEYS = re.compile(rb'"(file_name|annotations|categories|image_id|licenses)"\s*:')
_LS_KEYS = re.compile(rb'"(result|from_name|to_name|predictions|completions|data)"\s*:')

PROGRESS_EVERY = 10_000
"""Annotations between progress updates."""


@register
class CocoImporter(Importer):
    """COCO object detection, keypoint and caption files."""

    name: ClassVar[str] = "coco"
    summary: ClassVar[str] = "COCO instances / person_keypoints / captions JSON"
    option_names: ClassVar[tuple[str, ...]] = ("pass", "guideline_version")

    @classmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """A JSON object with an ``images`` list and COCO's other keys, and none of Label
        Studio's task keys."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"{") or _IMAGES.search(head) is None:
            return False
        return _COCO_KEYS.search(head) is not None and _LS_KEYS.search(head) is None

    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Import the file's images, then its annotations (categories are looked up)."""
        doc = CocoFile(src.path)
        reader = CocoReader(src, ctx.sink)
        for index, cat in doc.array("categories"):
            reader.category(index, cat)
        for index, image in doc.array("images"):
            reader.image(index, image)
        done = 0
        for index, ann in doc.array("annotations"):
            reader.annotation(index, ann)
            if index % PROGRESS_EVERY == PROGRESS_EVERY - 1:
                position = doc.position()
                if position is not None and position > done:
                    ctx.progress(position - done)
                    done = position
