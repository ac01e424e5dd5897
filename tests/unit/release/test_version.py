"""Release versions: strict X.Y.Z, and the bump a change needs."""

from __future__ import annotations

import pytest

from labelrelease.errors import BadVersionError, VersionBumpError
from labelrelease.release.semver import required_bump
from labelrelease.release.version import Version, check_bump, parse_version


@pytest.mark.parametrize("text", ["1.0", "1.0.0-rc1", "../1.0.0", "1.0/0", "01.0.0", "", ".."])
def test_bad_versions_are_refused(text: str) -> None:
    with pytest.raises(BadVersionError, match=r"X\.Y\.Z"):
        parse_version(text)


def test_versions_compare_as_numbers() -> None:
    assert parse_version("1.10.0") > parse_version("1.9.3")
    assert str(parse_version("2.0.1")) == "2.0.1"


def _manifest(
    changes: dict[str, dict[str, int]],
    taxonomy: list[str],
    migration_classes: dict[str, int] | None = None,
) -> dict[str, object]:
    return {
        "schema_version": 1,
        "taxonomy": taxonomy,
        "summary": {"changes": changes, "migration_class_changes": migration_classes or {}},
    }


def test_required_bump() -> None:
    parent = _manifest({}, ["Car", "Person"])
    fix = _manifest({"label": {"geometry_moved": 3}}, ["Car", "Person"])
    assert required_bump(fix, parent)["required"] == "patch"
    new = _manifest({"item": {"added": 2}}, ["Car", "Person"])
    assert required_bump(new, parent)["required"] == "minor"
    renamed = _manifest({}, ["Person", "Vehicle"])
    bump = required_bump(renamed, parent)
    assert bump["required"] == "major" and "lost classes Car" in bump["reasons"][0]
    migrated = _manifest({}, ["Car", "Person"], {"m002": 4})
    assert required_bump(migrated, parent)["required"] == "major"


def test_understated_bump_is_refused_with_the_right_version() -> None:
    with pytest.raises(VersionBumpError, match=r"release as 2\.0\.0"):
        check_bump(Version(1, 2, 3), Version(1, 3, 0), "major", ["taxonomy"], None)
    assert check_bump(Version(1, 2, 3), Version(1, 3, 0), "major", [], "reviewed") == "minor"
    with pytest.raises(BadVersionError, match="not greater"):
        check_bump(Version(1, 2, 3), Version(1, 2, 3), "patch", [], None)
