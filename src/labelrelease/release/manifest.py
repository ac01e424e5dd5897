"""``manifest.json``: what a bundle holds and what it was built from; and ``verify``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from labelrelease.errors import ReleaseError, VerifyError
from labelrelease.release.files import parquet_rows, sha256_file

MANIFEST = "manifest.json"
BUNDLE_FORMAT = "labelrelease-bundle"
SCHEMA_VERSION = 1
"""Version of the bundle layout and table schemas; a change is a major release."""


def file_entries(
    bundle: Path, known: dict[str, dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Every file of ``bundle`` except the manifest: sha256, size, rows (Parquet). Entries in
    ``known`` (hashed earlier in this build) are reused, not re-hashed."""
    entries: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = path.relative_to(bundle).as_posix()
        if rel == MANIFEST:
            continue
        if known and rel in known and known[rel]["size"] == path.stat().st_size:
            entries[rel] = known[rel]
            continue
        entry: dict[str, Any] = {"sha256": sha256_file(path), "size": path.stat().st_size}
        if path.suffix == ".parquet":
            entry["rows"] = parquet_rows(path)
        entries[rel] = entry
    return entries


def identity(bundle: Path) -> str:
    """A release's identity: the sha256 of its ``manifest.json``."""
    return hashlib.sha256((bundle / MANIFEST).read_bytes()).hexdigest()


def read_manifest(bundle: Path) -> dict[str, Any]:
    """The manifest of a bundle; a missing or broken one is a :class:`ReleaseError`."""
    path = bundle / MANIFEST
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{path} is missing: {bundle.name} is not a release bundle") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise VerifyError(f"{path} is not valid JSON ({e})", problems=[MANIFEST]) from None
    if not isinstance(value, dict) or value.get("format") != BUNDLE_FORMAT:
        raise VerifyError(f"{path} is not a labelrelease manifest", problems=[MANIFEST])
    return value


def verify_bundle(bundle: Path) -> dict[str, Any]:
    """Re-hash every file of ``bundle`` against its manifest; raise :class:`VerifyError`
    naming each mismatch, missing file and unlisted file."""
    manifest = read_manifest(bundle)
    listed: dict[str, Any] = manifest.get("files", {})
    problems: list[str] = []
    for rel, want in sorted(listed.items()):
        path = bundle / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            problems.append(f"{rel}: path leaves the bundle")
            continue
        if not path.is_file():
            problems.append(f"{rel}: missing")
            continue
        size = path.stat().st_size
        if size != want.get("size"):
            problems.append(f"{rel}: size {size}, manifest says {want.get('size')}")
        digest = sha256_file(path)
        if digest != want.get("sha256"):
            problems.append(
                f"{rel}: sha256 {digest[:12]}…, manifest says {str(want.get('sha256'))[:12]}…"
            )
        elif "rows" in want and parquet_rows(path) != want["rows"]:
            problems.append(f"{rel}: {parquet_rows(path)} rows, manifest says {want['rows']}")
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = path.relative_to(bundle).as_posix()
        if rel != MANIFEST and rel not in listed:
            problems.append(f"{rel}: not listed in the manifest")
    if problems:
        raise VerifyError(
            f"release {bundle.name} does not match its manifest: "
            + "; ".join(problems)
            + ". Restore the bundle (`dvc checkout` or `dvc get`) or rebuild it",
            problems=problems,
        )
    return manifest
