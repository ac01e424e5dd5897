"""Every fixture is detected as exactly its format, and the new formats claim no Label Studio
file."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelrelease.formats import registry
from labelrelease.formats.coco import CocoImporter
from labelrelease.formats.cvat import CvatImporter
from labelrelease.formats.doccano import DoccanoImporter
from tests.unit.importing import ASSETS

EXPECTED = {"coco": ("coco", "coco-synthetic"), "cvat": ("cvat", "cvat-synthetic"),
            "doccano": ("doccano", "doccano-synthetic")}  # fmt: skip
FIXTURES = [
    (fmt, path)
    for fmt, folders in EXPECTED.items()
    for folder in folders
    for path in sorted((ASSETS / folder).rglob("*"))
    if path.suffix in (".json", ".xml", ".jsonl")
]
LS_FILES = sorted(p for p in (ASSETS / "label-studio").rglob("*") if p.is_file())


def test_registered() -> None:
    assert {"coco", "cvat", "doccano", "label-studio"} <= set(registry.names())


@pytest.mark.parametrize(("fmt", "path"), FIXTURES, ids=lambda v: getattr(v, "name", v))
def test_fixture_is_detected_as_its_format(fmt: str, path: Path) -> None:
    assert registry.detect(path).name == fmt  # exactly one importer claims it


@pytest.mark.parametrize("path", LS_FILES, ids=lambda p: p.name)
def test_label_studio_files_are_not_claimed(path: Path) -> None:
    head = registry.read_head(path)
    for importer in (CocoImporter, CvatImporter, DoccanoImporter):
        assert not importer.detect(path, head), importer.name
    if path.suffix == ".json":
        assert registry.detect(path).name == "label-studio"
