"""Release bundles (DESIGN §8): immutable, byte-reproducible folders of the canonical tables
with a manifest, Croissant metadata, a typed diff against the parent and a change log entry."""

from labelrelease.release.build import ReleaseResult, release
from labelrelease.release.inputs import Settings, load_settings
from labelrelease.release.manifest import identity, read_manifest, verify_bundle

__all__ = [
    "ReleaseResult",
    "Settings",
    "identity",
    "load_settings",
    "read_manifest",
    "release",
    "verify_bundle",
]
