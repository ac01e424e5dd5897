"""Long files are written in chunks (the sink numbers at most 2**24 rows per chunk): the rows
must not depend on where the chunks fall."""

from __future__ import annotations

from pathlib import Path

import pytest

import labelrelease.formats.rttm as rttm
import labelrelease.formats.webvtt.reader as reader
from tests.unit.av_pull import ASSETS, pull_file


@pytest.mark.parametrize(
    ("module", "name", "path"),
    [
        (reader, "CHUNK_BLOCKS", ASSETS / "webvtt" / "missing_timeframe.vtt"),
        (rttm, "CHUNK_LINES", ASSETS / "rttm" / "debug.development.rttm"),
    ],
)
def test_chunking_does_not_change_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object, name: str, path: Path
) -> None:
    whole = pull_file(path, tmp_path / "whole")
    monkeypatch.setattr(module, name, 3)
    chunked = pull_file(path, tmp_path / "chunked")
    assert chunked == whole
    assert chunked.counts == whole.counts
