"""The releases folder: which versions exist, the parent of a new one, and a bundle's path."""

from __future__ import annotations

from pathlib import Path

from labelrelease.errors import ReleaseNotFoundError
from labelrelease.release.manifest import MANIFEST
from labelrelease.release.version import Version, parse_version


def releases(out: Path) -> list[Version]:
    """Published versions under ``out`` (folders named X.Y.Z with a manifest), oldest first."""
    found = []
    if out.is_dir():
        for child in out.iterdir():
            if child.is_dir() and (child / MANIFEST).exists():
                try:
                    found.append(parse_version(child.name))
                except Exception:  # noqa: S112 - not a release folder
                    continue
    return sorted(found)


def parent_of(out: Path, version: Version) -> Version | None:
    """The newest published version below ``version``."""
    older = [v for v in releases(out) if v < version]
    return older[-1] if older else None


def bundle_path(out: Path, version_text: str, shown: str = "data/releases") -> Path:
    """The folder of a published release; refuses bad versions and unknown ones."""
    version = parse_version(version_text)
    path = out / str(version)
    if not (path / MANIFEST).exists():
        known = ", ".join(str(v) for v in releases(out)) or "none yet"
        raise ReleaseNotFoundError(
            f"no release {version} under {shown} (published: {known}); "
            f"`dvc pull {shown}` if the bundles are in a remote"
        )
    return path
