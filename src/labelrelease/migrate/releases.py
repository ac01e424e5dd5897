"""Which releases applied which migration: the ``migrations`` entries of release manifests.

A release's ``manifest.json`` lists the migrations it applied under ``migrations``, each with
``id`` and ``checksum`` (sha256 of the file). A migration edited after a release applied it
would make that release impossible to rebuild, so the chain refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from labelrelease.errors import ChecksumMismatchError, ConfigError
from labelrelease.migrate.chain import Chain


@dataclass(frozen=True)
class Applied:
    """One migration applied by one release."""

    release: str
    migration_id: str
    checksum: str


def applied_migrations(releases: Path) -> list[Applied]:
    """Every (release, migration) pair recorded in ``releases/*/manifest.json``."""
    found: list[Applied] = []
    if not releases.is_dir():
        return found
    for manifest in sorted(releases.glob("*/manifest.json")):
        try:
            data = orjson.loads(manifest.read_bytes())
        except (OSError, orjson.JSONDecodeError) as e:
            raise ConfigError(f"release manifest cannot be read: {e}", path=str(manifest)) from None
        entries = data.get("migrations") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            continue  # a release made before migrations existed
        release = str(data.get("version") or manifest.parent.name)
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                checksum = str(entry.get("checksum") or "").removeprefix("sha256:")
                found.append(Applied(release, entry["id"], checksum))
    return found


def verify_checksums(chain: Chain, applied: list[Applied]) -> None:
    """Refuse a migration edited or removed after a release applied it."""
    by_id = {m.id: m for m in chain.migrations}
    for entry in applied:
        migration = by_id.get(entry.migration_id)
        if migration is None:
            raise ChecksumMismatchError(
                f"migration {entry.migration_id!r} was applied in release {entry.release} but "
                "its file is gone; restore it from that release's commit (a released migration "
                "is never deleted: write a new one that undoes it)",
                str(chain.folder),
            )
        if entry.checksum and entry.checksum != migration.checksum:
            raise ChecksumMismatchError(
                f"was edited after release {entry.release} applied it (checksum "
                f"{migration.checksum[:12]}…, released {entry.checksum[:12]}…); restore the "
                "released file (git checkout) and put the change in a new migration "
                "(`labelrelease migration new`)",
                str(migration.path),
            )
