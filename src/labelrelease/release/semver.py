"""The bump a change requires (DESIGN §8): a breaking schema or taxonomy change is major,
added data minor, corrections a patch."""

from __future__ import annotations

from typing import Any

_CAUSES_NOT_MIGRATIONS = ("source", "relabel")


def required_bump(manifest: dict[str, Any], parent: dict[str, Any] | None) -> dict[str, Any]:
    """``{required, reasons}`` for the change from ``parent``'s manifest to ``manifest``."""
    if parent is None:
        return {"required": "major", "reasons": ["first release"]}
    major: list[str] = []
    minor: list[str] = []
    if parent.get("schema_version") != manifest["schema_version"]:
        major.append(f"bundle schema {parent.get('schema_version')} → {manifest['schema_version']}")
    old, new = parent.get("taxonomy"), manifest.get("taxonomy")
    if old is not None and new is not None:
        lost = sorted(set(old) - set(new))
        gained = sorted(set(new) - set(old))
        if lost:
            major.append("taxonomy lost classes " + ", ".join(lost))
        if gained:
            minor.append("taxonomy gained classes " + ", ".join(gained))
    summary = manifest["summary"]
    migrated = sorted(c for c in summary.get("migration_class_changes", {}))
    if migrated:
        major.append("migration(s) " + ", ".join(migrated) + " changed label classes")
    changes = summary["changes"]
    added = {e: c["added"] for e, c in changes.items() if c.get("added")}
    if added:
        minor.append("added " + ", ".join(f"{n} {e}s" for e, n in sorted(added.items())))
    if major:
        return {"required": "major", "reasons": major}
    if minor:
        return {"required": "minor", "reasons": minor}
    return {"required": "patch", "reasons": ["corrections only"] if changes else ["no change"]}
