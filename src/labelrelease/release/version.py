"""Release versions: strict ``X.Y.Z``, compared as numbers, and the bump a change requires."""

from __future__ import annotations

import re
from dataclasses import dataclass

from labelrelease.errors import BadVersionError, VersionBumpError

_SEMVER = re.compile(r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})")
LEVELS = ("patch", "minor", "major")
"""Bump levels from the smallest: corrections, added data, a breaking schema/taxonomy change."""


@dataclass(frozen=True, order=True)
class Version:
    """A release version; its string form is also the bundle's folder name."""

    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump(self, level: str) -> Version:
        """The next version at ``level`` (patch, minor or major)."""
        if level == "major":
            return Version(self.major + 1, 0, 0)
        if level == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)


def parse_version(text: str) -> Version:
    """``text`` as a :class:`Version`; anything but ``X.Y.Z`` (digits only) is refused, so a
    version can never name a path outside the releases folder."""
    match = _SEMVER.fullmatch(text)
    if match is None:
        raise BadVersionError(
            f"version {text!r} is not of the form X.Y.Z (digits only, e.g. 1.2.0); "
            "a version is a folder name under the releases folder, so `/`, `..` and "
            "suffixes are refused"
        )
    return Version(*(int(part) for part in match.groups()))


def bump_level(parent: Version, new: Version) -> str:
    """Which level ``new`` bumps over ``parent``; refuses a version that is not greater."""
    if new <= parent:
        raise BadVersionError(
            f"version {new} is not greater than the previous release {parent}; "
            f"use {parent.bump('patch')} or higher"
        )
    if new.major > parent.major:
        return "major"
    if new.minor > parent.minor:
        return "minor"
    return "patch"


def check_bump(
    parent: Version, new: Version, required: str, reasons: list[str], override: str | None
) -> str:
    """The level of the bump ``parent`` → ``new``; a level below ``required`` is refused with
    the version that would do, unless ``override`` (a reason) is given."""
    given = bump_level(parent, new)
    if LEVELS.index(given) < LEVELS.index(required) and not override:
        why = "; ".join(reasons) or required
        raise VersionBumpError(
            f"version {new} is a {given} bump over {parent}, but the change needs a "
            f"{required} bump ({why}); release as {parent.bump(required)}, or give "
            "--allow-bump REASON to record why a smaller bump is right"
        )
    return given
