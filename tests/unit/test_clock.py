"""SOURCE_DATE_EPOCH, read in one place for check (validation time) and release (change log
date)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from labelrelease.errors import ConfigError
from labelrelease.model.clock import source_date_epoch
from labelrelease.release.inputs import load_settings, release_date


def test_unset_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert source_date_epoch() is None


def test_seconds_since_1970_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert source_date_epoch() == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


@pytest.mark.parametrize("value", ["", "soon", "1.5", "99999999999999999999"])
def test_malformed_is_a_config_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH must be whole seconds"):
        source_date_epoch()


def test_release_date_reads_it_unless_params_give_a_date(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    params = tmp_path / "params.yaml"
    assert release_date(load_settings(params, tmp_path, {})) == "2023-11-14"
    assert release_date(load_settings(params, tmp_path, {"date": "2024-01-02"})) == "2024-01-02"
