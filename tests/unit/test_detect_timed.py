"""Detection: every fixture of the time-based formats is claimed by exactly its importer, and
the Label Studio fixtures are still claimed by Label Studio alone."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from labelrelease.errors import FormatNotFoundError
from labelrelease.formats import registry

ASSETS = Path(__file__).resolve().parents[1] / "assets"
EXPECTED = {
    **{p: "webvtt" for p in sorted((ASSETS / "webvtt").glob("*.vtt"))},
    ASSETS / "srt" / "sample.srt": "srt",
    **{p: "rttm" for p in sorted((ASSETS / "rttm").glob("*.rttm"))},
    **{p: "textgrid" for p in sorted((ASSETS / "textgrid").glob("*.TextGrid"))},
    **{p: "label-studio" for p in sorted((ASSETS / "label-studio").rglob("*.json"))},
}


def test_every_builtin_format_is_registered() -> None:
    assert {"webvtt", "srt", "rttm", "textgrid", "label-studio"} <= set(registry.names())


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.relative_to(ASSETS).as_posix())
def test_fixture_is_detected_as_its_format(path: Path) -> None:
    assert registry.detect(path).name == EXPECTED[path]


def test_utf16_variants_are_detected(tmp_path: Path) -> None:
    for source, name in (
        (ASSETS / "textgrid" / "bobby_phones.TextGrid", "textgrid"),
        (ASSETS / "srt" / "sample.srt", "srt"),
    ):
        path = tmp_path / source.name
        path.write_bytes(codecs.BOM_UTF16_BE + source.read_text().encode("utf-16-be"))
        assert registry.detect(path).name == name


def test_uem_and_stm_are_not_claimed(tmp_path: Path) -> None:
    # a UEM is an option of an RTTM source, never an input of its own
    with pytest.raises(FormatNotFoundError, match="no importer recognises"):
        registry.detect(ASSETS / "rttm" / "debug.development.uem")
