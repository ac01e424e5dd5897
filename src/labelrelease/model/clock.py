"""Reproducible time: outputs carry ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention)
or a time taken from their inputs, never the wall clock."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from labelrelease.errors import ConfigError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The time of last resort: inputs that carry no time of their own."""


def source_date_epoch() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` (whole seconds since 1970) as a UTC time; ``None`` when unset.
    Set but empty or malformed is an error, as the convention asks (and numpy, which the
    check imports, fails on it too)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise ConfigError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970 (e.g. `git log -1 "
            f"--format=%ct`), got {epoch!r}; set it to such a number or unset it"
        ) from None
