"""The CVAT importer: "CVAT for images" and "CVAT for video" XML 1.1 exports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from labelrelease.formats.base import ImportContext, Importer, SourceFile
from labelrelease.formats.cvat.meta import read_meta
from labelrelease.formats.cvat.reader import CvatReader
from labelrelease.formats.cvat.xml import iter_elements
from labelrelease.formats.registry import register

_ROOT = re.compile(rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<annotations>", re.S)
_MARK = re.compile(rb"<(version|meta|image|track)\b")


@register
class CvatImporter(Importer):
    """CVAT for images / CVAT for video XML 1.1."""

    name: ClassVar[str] = "cvat"
    summary: ClassVar[str] = "CVAT for images / for video XML 1.1 (task, job or project export)"
    option_names: ClassVar[tuple[str, ...]] = ("pass", "guideline_version")

    @classmethod
    def detect(cls, path: Path, head: bytes) -> bool:
        """An XML file whose root is ``<annotations>`` holding CVAT's elements."""
        return _ROOT.match(head) is not None and _MARK.search(head) is not None

    def read(self, src: SourceFile, ctx: ImportContext) -> None:
        """Stream the file: ``<meta>`` first, then each ``<image>`` or ``<track>``, cleared
        once read so memory stays flat."""
        reader = CvatReader(src, ctx.sink)
        for event, elem, depth in iter_elements(src.path):
            if event != "end" or depth != 2:
                continue
            if elem.tag == "meta":
                reader.meta = read_meta(elem)
            elif elem.tag == "image":
                reader.image(elem)
            elif elem.tag == "track":
                reader.track(elem)
            elem.clear()
        ctx.progress(src.path.stat().st_size)
